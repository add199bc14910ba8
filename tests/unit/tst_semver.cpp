// SemVersion and SemRange against npm's semantics: rows taken from node-semver's documentation
// (caret, tilde, hyphen and x-ranges, the prerelease rule) and the semver 2.0 precedence example.

#include "toolchain/SemVer.h"

#include <QTest>

using namespace Qt::StringLiterals;
using forge::SemRange;
using forge::SemVersion;

class TestSemVer : public QObject
{
    Q_OBJECT

private slots:
    void parsesVersions_data();
    void parsesVersions();
    void precedence();
    void desugars_data();
    void desugars();
    void satisfies_data();
    void satisfies();
    void rejects_data();
    void rejects();
    void intersects_data();
    void intersects();
};

void TestSemVer::parsesVersions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("parsed"); // empty: not a version

    QTest::newRow("plain") << u"1.2.3"_s << u"1.2.3"_s;
    QTest::newRow("node prints v") << u"v20.20.2"_s << u"20.20.2"_s;
    QTest::newRow("equals") << u"=1.2.3"_s << u"1.2.3"_s;
    QTest::newRow("spaces") << u"  18.20.8\n"_s << u"18.20.8"_s;
    QTest::newRow("prerelease") << u"1.0.0-rc.1"_s << u"1.0.0-rc.1"_s;
    QTest::newRow("build dropped") << u"1.0.0-beta+exp.sha.5114f85"_s << u"1.0.0-beta"_s;
    QTest::newRow("partial") << u"1.2"_s << QString();
    QTest::newRow("wildcard") << u"1.2.x"_s << QString();
    QTest::newRow("leading zero") << u"01.2.3"_s << QString();
    QTest::newRow("prerelease leading zero") << u"1.2.3-01"_s << QString();
    QTest::newRow("empty prerelease part") << u"1.2.3-a..b"_s << QString();
    QTest::newRow("four parts") << u"1.2.3.4"_s << QString();
    QTest::newRow("too large") << u"9007199254740992.0.0"_s << QString();
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("range") << u"^1.2.3"_s << QString();
}

void TestSemVer::parsesVersions()
{
    QFETCH(QString, text);
    QFETCH(QString, parsed);
    const auto version = SemVersion::parse(text);
    QCOMPARE(version ? version->toString() : QString(), parsed);
}

void TestSemVer::precedence()
{
    // The example list of semver 2.0 §11, ascending, and numeric (not textual) order of parts.
    const QStringList ascending{
        u"0.9.9"_s,      u"1.0.0-alpha"_s,  u"1.0.0-alpha.1"_s, u"1.0.0-alpha.beta"_s,
        u"1.0.0-beta"_s, u"1.0.0-beta.2"_s, u"1.0.0-beta.11"_s, u"1.0.0-rc.1"_s,
        u"1.0.0"_s,      u"1.9.0"_s,        u"1.10.0"_s,        u"1.11.0"_s,
        u"2.0.0-0"_s,    u"2.0.0"_s,
    };
    for (qsizetype i = 0; i + 1 < ascending.size(); ++i) {
        const auto lower = SemVersion::parse(ascending[i]);
        const auto higher = SemVersion::parse(ascending[i + 1]);
        QVERIFY(lower && higher);
        QVERIFY2(*lower < *higher, qPrintable(ascending[i] + u" < "_s + ascending[i + 1]));
        QVERIFY(!(*higher < *lower));
    }
    QVERIFY(*SemVersion::parse(u"v1.2.3"_s) == *SemVersion::parse(u"1.2.3+build"_s));
}

void TestSemVer::desugars_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("desugared");

    // node-semver's README, "Advanced Range Syntax".
    QTest::newRow("hyphen") << u"1.2.3 - 2.3.4"_s << u">=1.2.3 <=2.3.4"_s;
    QTest::newRow("hyphen partial from") << u"1.2 - 2.3.4"_s << u">=1.2.0 <=2.3.4"_s;
    QTest::newRow("hyphen partial to minor") << u"1.2.3 - 2.3"_s << u">=1.2.3 <2.4.0-0"_s;
    QTest::newRow("hyphen partial to major") << u"1.2.3 - 2"_s << u">=1.2.3 <3.0.0-0"_s;
    QTest::newRow("star") << u"*"_s << u"*"_s;
    QTest::newRow("empty") << u""_s << u"*"_s;
    QTest::newRow("1.x") << u"1.x"_s << u">=1.0.0 <2.0.0-0"_s;
    QTest::newRow("1.2.*") << u"1.2.*"_s << u">=1.2.0 <1.3.0-0"_s;
    QTest::newRow("bare major") << u"18"_s << u">=18.0.0 <19.0.0-0"_s;
    QTest::newRow("bare minor") << u"18.2"_s << u">=18.2.0 <18.3.0-0"_s;
    QTest::newRow("exact with v") << u"v18.2.0"_s << u"18.2.0"_s;
    QTest::newRow("~1.2.3") << u"~1.2.3"_s << u">=1.2.3 <1.3.0-0"_s;
    QTest::newRow("~1.2") << u"~1.2"_s << u">=1.2.0 <1.3.0-0"_s;
    QTest::newRow("~1") << u"~1"_s << u">=1.0.0 <2.0.0-0"_s;
    QTest::newRow("~0.2.3") << u"~0.2.3"_s << u">=0.2.3 <0.3.0-0"_s;
    QTest::newRow("~0") << u"~0"_s << u">=0.0.0 <1.0.0-0"_s;
    QTest::newRow("~1.2.3-beta.2") << u"~1.2.3-beta.2"_s << u">=1.2.3-beta.2 <1.3.0-0"_s;
    QTest::newRow("~> like ~") << u"~>1.2"_s << u">=1.2.0 <1.3.0-0"_s;
    QTest::newRow("^1.2.3") << u"^1.2.3"_s << u">=1.2.3 <2.0.0-0"_s;
    QTest::newRow("^0.2.3") << u"^0.2.3"_s << u">=0.2.3 <0.3.0-0"_s;
    QTest::newRow("^0.0.3") << u"^0.0.3"_s << u">=0.0.3 <0.0.4-0"_s;
    QTest::newRow("^1.2.3-beta.2") << u"^1.2.3-beta.2"_s << u">=1.2.3-beta.2 <2.0.0-0"_s;
    QTest::newRow("^0.0.3-beta") << u"^0.0.3-beta"_s << u">=0.0.3-beta <0.0.4-0"_s;
    QTest::newRow("^1.2.x") << u"^1.2.x"_s << u">=1.2.0 <2.0.0-0"_s;
    QTest::newRow("^0.0.x") << u"^0.0.x"_s << u">=0.0.0 <0.1.0-0"_s;
    QTest::newRow("^0.0") << u"^0.0"_s << u">=0.0.0 <0.1.0-0"_s;
    QTest::newRow("^1.x") << u"^1.x"_s << u">=1.0.0 <2.0.0-0"_s;
    QTest::newRow("^0.x") << u"^0.x"_s << u">=0.0.0 <1.0.0-0"_s;
    QTest::newRow(">1") << u">1"_s << u">=2.0.0"_s;
    QTest::newRow(">1.2") << u">1.2"_s << u">=1.3.0"_s;
    QTest::newRow("<=1.2") << u"<=1.2"_s << u"<1.3.0-0"_s;
    QTest::newRow("<1.2") << u"<1.2"_s << u"<1.2.0-0"_s;
    QTest::newRow(">=18 spaced") << u">= 18  < 21"_s << u">=18.0.0 <21.0.0-0"_s;
    QTest::newRow("<*") << u"<*"_s << u"<0.0.0-0"_s;
    QTest::newRow("or") << u"^18.17.0 || >=20.5.0"_s << u">=18.17.0 <19.0.0-0 || >=20.5.0"_s;
}

void TestSemVer::desugars()
{
    QFETCH(QString, range);
    QFETCH(QString, desugared);
    QString error;
    const auto parsed = SemRange::parse(range, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->toString(), desugared);
}

void TestSemVer::satisfies_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("expected");

    // node-semver's README, "Ranges" and "Prerelease Tags".
    QTest::newRow("and low") << u">=1.2.7 <1.3.0"_s << u"1.2.7"_s << true;
    QTest::newRow("and mid") << u">=1.2.7 <1.3.0"_s << u"1.2.99"_s << true;
    QTest::newRow("and below") << u">=1.2.7 <1.3.0"_s << u"1.2.6"_s << false;
    QTest::newRow("and upper") << u">=1.2.7 <1.3.0"_s << u"1.3.0"_s << false;
    QTest::newRow("or exact") << u"1.2.7 || >=1.2.9 <2.0.0"_s << u"1.2.7"_s << true;
    QTest::newRow("or second") << u"1.2.7 || >=1.2.9 <2.0.0"_s << u"1.4.6"_s << true;
    QTest::newRow("or gap") << u"1.2.7 || >=1.2.9 <2.0.0"_s << u"1.2.8"_s << false;
    QTest::newRow("or above") << u"1.2.7 || >=1.2.9 <2.0.0"_s << u"2.0.0"_s << false;
    QTest::newRow("pre same tuple") << u">1.2.3-alpha.3"_s << u"1.2.3-alpha.7"_s << true;
    QTest::newRow("pre other tuple") << u">1.2.3-alpha.3"_s << u"3.4.5-alpha.9"_s << false;
    QTest::newRow("pre release above") << u">1.2.3-alpha.3"_s << u"3.4.5"_s << true;
    QTest::newRow("caret pre same tuple") << u"^1.2.3-beta.2"_s << u"1.2.3-beta.4"_s << true;
    QTest::newRow("caret pre other tuple") << u"^1.2.3-beta.2"_s << u"1.2.4-beta.2"_s << false;
    QTest::newRow("caret 0.0.3-beta") << u"^0.0.3-beta"_s << u"0.0.3-pr.2"_s << true;
    QTest::newRow("star no pre") << u"*"_s << u"1.0.0-rc.1"_s << false;
    QTest::newRow("star release") << u"*"_s << u"26.12.1"_s << true;
    QTest::newRow("x-range no pre") << u"1.x"_s << u"1.5.0-beta"_s << false;
    QTest::newRow("x-range upper pre") << u"1.x"_s << u"2.0.0-alpha"_s << false;
    QTest::newRow("caret 0.x") << u"^0.2.3"_s << u"0.3.0"_s << false;
    QTest::newRow("caret 0.x patch") << u"^0.2.3"_s << u"0.2.9"_s << true;
    QTest::newRow("caret 0.0.x") << u"^0.0.3"_s << u"0.0.4"_s << false;
    QTest::newRow("tilde minor") << u"~1.2"_s << u"1.2.9"_s << true;
    QTest::newRow("tilde next minor") << u"~1.2"_s << u"1.3.0"_s << false;
    QTest::newRow("hyphen partial to") << u"1.2.3 - 2.3"_s << u"2.3.9"_s << true;
    QTest::newRow("hyphen partial to end") << u"1.2.3 - 2.3"_s << u"2.4.0"_s << false;
    QTest::newRow("bare major") << u"18"_s << u"18.20.8"_s << true;
    QTest::newRow("bare major other") << u"18"_s << u"20.0.0"_s << false;
    QTest::newRow("npm 11 engines") << u"^20.17.0 || >=22.9.0"_s << u"18.20.8"_s << false;
    QTest::newRow("npm 10 engines") << u"^18.17.0 || >=20.5.0"_s << u"18.20.8"_s << true;
    QTest::newRow("npm 11 engines 22") << u"^20.17.0 || >=22.9.0"_s << u"22.8.0"_s << false;
    QTest::newRow("npm 11 engines 24") << u"^20.17.0 || >=22.9.0"_s << u"24.1.0"_s << true;
    QTest::newRow("pnpm lockfile 9") << u">=9 <11"_s << u"10.28.0"_s << true;
    QTest::newRow("pnpm lockfile 9 not 11") << u">=9 <11"_s << u"11.0.0"_s << false;
    QTest::newRow("nothing") << u"<*"_s << u"0.0.0"_s << false;
}

void TestSemVer::satisfies()
{
    QFETCH(QString, range);
    QFETCH(QString, version);
    QFETCH(bool, expected);
    const auto parsedRange = SemRange::parse(range);
    const auto parsedVersion = SemVersion::parse(version);
    QVERIFY(parsedRange && parsedVersion);
    QCOMPARE(parsedRange->satisfiedBy(*parsedVersion), expected);
}

void TestSemVer::rejects_data()
{
    QTest::addColumn<QString>("range");
    QTest::addColumn<QString>("named"); // the part the error must quote

    QTest::newRow("word") << u"blerg"_s << u"“blerg”"_s;
    QTest::newRow("four parts") << u">=1.2.3.4"_s << u"“>=1.2.3.4”"_s;
    QTest::newRow("operator alone") << u">=1 <"_s << u"“<”"_s;
    QTest::newRow("caret alone") << u"^"_s << u"“^”"_s;
    QTest::newRow("dangling hyphen") << u"1 -"_s << u"“-”"_s;
    QTest::newRow("leading zero") << u"^01.2"_s << u"“^01.2”"_s;
    QTest::newRow("bad alternative") << u"18 || lts/iron"_s << u"“lts/iron”"_s;
    QTest::newRow("hyphen bad end") << u"1 - two"_s << u"“two”"_s;
}

void TestSemVer::rejects()
{
    QFETCH(QString, range);
    QFETCH(QString, named);
    QString error;
    QVERIFY(!SemRange::parse(range, &error));
    QVERIFY2(error.contains(named), qPrintable(error));
    QVERIFY2(error.contains(u"is not a version range"_s), qPrintable(error));
}

void TestSemVer::intersects_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("expected");

    QTest::newRow("exact in") << u"1.22.22"_s << u"1"_s << true;
    QTest::newRow("exact out") << u"4.5.0"_s << u"1"_s << false;
    QTest::newRow("touching inclusive") << u"<=2.0.0"_s << u">=2.0.0"_s << true;
    QTest::newRow("touching exclusive") << u"<2.0.0"_s << u">=2.0.0"_s << false;
    QTest::newRow("any") << u"*"_s << u">=2.0.0"_s << true;
    QTest::newRow("second alternative") << u"1 || 4"_s << u">=2"_s << true;
}

void TestSemVer::intersects()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, expected);
    QCOMPARE(SemRange::parse(a)->intersects(*SemRange::parse(b)), expected);
    QCOMPARE(SemRange::parse(b)->intersects(*SemRange::parse(a)), expected);
}

QTEST_GUILESS_MAIN(TestSemVer)
#include "tst_semver.moc"
