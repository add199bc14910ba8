#include "core/ProjectEnvironment.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace forge;

class TestProjectEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonKeepsPlainValuesAndNeverASecretsValue()
    {
        ProjectEnvironment environment;
        environment.set({u"API_URL"_s, u"http://localhost:4000"_s, false, EnvironmentStep::Run});
        environment.set({u"DATABASE_URL"_s, u"postgres://u:CANARYpw@db/x"_s, true,
                         EnvironmentSteps(EnvironmentStep::Install) | EnvironmentStep::Build});
        const QByteArray json = QJsonDocument(environment.toJson()).toJson();
        QVERIFY(!json.contains("CANARY"));
        QVERIFY(json.contains("http://localhost:4000"));

        const std::optional<ProjectEnvironment> read = ProjectEnvironment::fromJson(environment.toJson());
        QVERIFY(read);
        QCOMPARE(read->names(), (QStringList{u"API_URL"_s, u"DATABASE_URL"_s}));
        QCOMPARE(read->secretNames(), QStringList{u"DATABASE_URL"_s});
        QVERIFY(read->find(u"DATABASE_URL"_s)->value.isEmpty());
        QCOMPARE(read->find(u"DATABASE_URL"_s)->steps,
                 EnvironmentSteps(EnvironmentStep::Install) | EnvironmentStep::Build);
    }

    void stepsDefaultToTheRunningApp()
    {
        const auto read =
            ProjectEnvironment::fromJson(QJsonArray{QJsonObject{{u"name"_s, u"A"_s}, {u"value"_s, u"1"_s}}});
        QVERIFY(read);
        QCOMPARE(read->forStep(EnvironmentStep::Run), (QMap<QString, QString>{{u"A"_s, u"1"_s}}));
        QVERIFY(read->forStep(EnvironmentStep::Install).isEmpty());
        QVERIFY(read->forStep(EnvironmentStep::Build).isEmpty());
    }

    void badEntriesAreRefusedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bad name") << QByteArray(R"([{"name":"1ABC","value":"x"}])")
                                  << u"not a variable name"_s;
        QTest::newRow("empty name") << QByteArray(R"([{"value":"x"}])") << u"not a variable name"_s;
        QTest::newRow("twice") << QByteArray(R"([{"name":"A"},{"name":"A"}])") << u"twice"_s;
        QTest::newRow("bad step") << QByteArray(R"([{"name":"A","steps":["deploy"]}])") << u"steps"_s;
    }

    void badEntriesAreRefusedWithAReason()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        QString error;
        QVERIFY(!ProjectEnvironment::fromJson(QJsonDocument::fromJson(json).array(), &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void setReplacesByNameAndRemoveRemoves()
    {
        ProjectEnvironment environment;
        environment.set({u"A"_s, u"1"_s});
        environment.set({u"B"_s, u"2"_s});
        environment.set({u"A"_s, u"3"_s});
        QCOMPARE(environment.names(), (QStringList{u"A"_s, u"B"_s}));
        QCOMPARE(environment.find(u"A"_s)->value, u"3"_s);
        QVERIFY(environment.remove(u"A"_s));
        QVERIFY(!environment.remove(u"A"_s));
        QCOMPARE(environment.names(), QStringList{u"B"_s});
    }

    void namesTheSandboxSetsAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("ordinary") << u"NEXT_PUBLIC_SUPABASE_URL"_s << true;
        QTest::newRow("underscore first") << u"_PRIVATE"_s << true;
        QTest::newRow("PATH") << u"PATH"_s << false;
        QTest::newRow("HOME") << u"HOME"_s << false;
        QTest::newRow("PORT") << u"PORT"_s << false;
        QTest::newRow("ours") << u"FORGE_PREVIEW_DATA_DIR"_s << false;
        QTest::newRow("digit first") << u"9LIVES"_s << false;
        QTest::newRow("dash") << u"MY-VAR"_s << false;
        QTest::newRow("equals") << u"A=B"_s << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("too long") << QString(256, u'A') << false;
    }

    void namesTheSandboxSetsAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(bool, allowed);
        const QString problem = ProjectEnvironment::nameProblem(name);
        QCOMPARE(problem.isEmpty(), allowed);
        if (!allowed)
            QVERIFY(problem.endsWith(u'.'));
    }

    void credentialNamesLookSecret_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("secret");
        QTest::newRow("stripe") << u"STRIPE_SECRET_KEY"_s << true;
        QTest::newRow("token") << u"GITHUB_TOKEN"_s << true;
        QTest::newRow("password") << u"DB_PASSWORD"_s << true;
        QTest::newRow("private") << u"PRIVATE_KEY_PEM"_s << true;
        QTest::newRow("run together") << u"OPENAI_APIKEY"_s << true;
        QTest::newRow("lower case") << u"supabase_anon_key"_s << true;
        QTest::newRow("url") << u"NEXT_PUBLIC_SUPABASE_URL"_s << false;
        QTest::newRow("port") << u"API_PORT"_s << false;
        QTest::newRow("node env") << u"NODE_ENV"_s << false;
    }

    void credentialNamesLookSecret()
    {
        QFETCH(QString, name);
        QFETCH(bool, secret);
        QCOMPARE(ProjectEnvironment::looksSecret(name), secret);
    }
};

QTEST_GUILESS_MAIN(TestProjectEnvironment)
#include "tst_projectenvironment.moc"
