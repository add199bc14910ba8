#include "ProjectStore.h"

#include "Database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// The newest projects.json format an import understands (what earlier versions wrote).
constexpr int JsonFormatVersion = 1;

QVariant timeToDb(const QDateTime& time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

// Qt binds a null QString as NULL; the columns that hold text are NOT NULL DEFAULT ''.

// The values of the upsert in ProjectStore::save(), in its columns' order.
void bindProject(QSqlQuery& upsert, const Project& project, const ProjectState& state, const QVariant& now)
{
    upsert.bindValue(0, project.id);
    upsert.bindValue(1, project.repository);
    upsert.bindValue(2, project.branch);
    upsert.bindValue(3, toString(project.mode));
    upsert.bindValue(4, toString(project.backend));
    upsert.bindValue(5, project.plan
                            ? QVariant(QString::fromUtf8(
                                  QJsonDocument(project.plan->toJson()).toJson(QJsonDocument::Compact)))
                            : QVariant(QMetaType::fromType<QString>()));
    upsert.bindValue(6, timeToDb(project.added));
    upsert.bindValue(7, state.sandboxId);
    upsert.bindValue(8, state.previewUrl);
    upsert.bindValue(9, state.status ? toString(*state.status) : QString());
    upsert.bindValue(10, now);
    upsert.bindValue(11, project.keepAwake ? 1 : 0);
    upsert.bindValue(12, project.runWithoutIsolation ? 1 : 0);
    upsert.bindValue(
        13, QString::fromUtf8(QJsonDocument(project.environment.toJson()).toJson(QJsonDocument::Compact)));
    upsert.bindValue(14, toString(project.source));
}

} // namespace

ProjectStore::ProjectStore(QString databasePath)
    : m_filePath(std::move(databasePath))
{}

ProjectStore::~ProjectStore() = default;

QString ProjectStore::setAsideNotice() const
{
    return m_database ? m_database->setAsideNotice() : QString();
}

StoreResult<> ProjectStore::load()
{
    m_projects.clear();
    m_states.clear();
    m_warnings.clear();
    if (!m_database) {
        StoreResult<std::unique_ptr<Database>> opened = Database::open(m_filePath);
        if (!opened.ok()) {
            m_openError = opened.error();
            return opened.error();
        }
        m_openError.reset();
        m_database = std::move(opened).value();
    }
    QSqlQuery query(m_database->connection());
    query.setForwardOnly(true);
    if (!query.exec(
            u"SELECT id, repository, branch, mode, backend, plan_json, added, sandbox_id, "
            u"preview_url, status, keep_awake, run_without_isolation, environment_json, source FROM projects "
            u"ORDER BY rowid"_s)) {
        return StoreError{StoreError::Kind::Internal,
                          u"The project list in %1 could not be read (%2)."_s.arg(
                              QDir::toNativeSeparators(m_filePath), query.lastError().text())};
    }
    while (query.next()) {
        QJsonObject object{
            {u"id"_s, query.value(0).toString()},
            {u"repository"_s, query.value(1).toString()},
            {u"branch"_s, query.value(2).toString()},
            {u"mode"_s, query.value(3).toString()},
            {u"backend"_s, query.value(4).toString()},
            {u"keepAwake"_s, query.value(10).toInt() != 0},
            {u"runWithoutIsolation"_s, query.value(11).toInt() == 1},
            {u"environment"_s, QJsonDocument::fromJson(query.value(12).toString().toUtf8()).array()},
            {u"source"_s, query.value(13).toString()},
        };
        QString why;
        if (!query.value(5).isNull()) {
            QJsonParseError parseError;
            const QJsonDocument plan =
                QJsonDocument::fromJson(query.value(5).toString().toUtf8(), &parseError);
            if (!plan.isObject()) {
                m_warnings.append(u"the saved run plan of %1 is not valid: %2"_s.arg(
                    object.value(u"repository"_s).toString(), parseError.errorString()));
                continue;
            }
            object.insert(u"plan"_s, plan.object());
        }
        auto project = Project::fromJson(object, &why);
        if (!project) {
            m_warnings.append(why);
            continue;
        }
        if (!query.value(6).isNull())
            project->added = QDateTime::fromMSecsSinceEpoch(query.value(6).toLongLong(), Qt::UTC);
        const ProjectState state{query.value(7).toString(), query.value(8).toString(),
                                 projectStatusFromString(query.value(9).toString())};
        if (state != ProjectState())
            m_states.insert(project->id, state);
        m_projects.append(*project);
    }
    query.finish();
    if (m_projects.isEmpty() && m_warnings.isEmpty())
        importJson();
    return {};
}

void ProjectStore::importJson()
{
    const QString jsonPath = QFileInfo(m_filePath).absoluteDir().filePath(u"projects.json"_s);
    QFile file(jsonPath);
    if (!file.exists())
        return;
    const QString native = QDir::toNativeSeparators(jsonPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_warnings.append(u"the project list %1 of an earlier version could not be read (%2); it was left "
                          u"as it is"_s.arg(native, file.errorString()));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    file.close();
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        m_warnings.append(u"the project list %1 of an earlier version could not be read (%2); it was left "
                          u"as it is"_s.arg(native, parseError.error != QJsonParseError::NoError
                                                        ? parseError.errorString()
                                                        : u"not a JSON object"_s));
        return;
    }
    const QJsonObject root = document.object();
    const int version = root.value(u"version"_s).toInt(0);
    if (version > JsonFormatVersion) {
        m_warnings.append(u"the project list %1 was written by a newer version of Forge Preview (format %2) "
                          u"and was not imported; it was left as it is"_s.arg(native)
                              .arg(version));
        return;
    }
    for (const QJsonValue& value : root.value(u"projects"_s).toArray()) {
        QString why;
        if (auto project = Project::fromJson(value.toObject(), &why))
            put(*project);
        else
            m_warnings.append(why);
    }
    if (const StoreResult<> saved = save(); !saved.ok()) {
        m_warnings.append(u"the projects in %1 could not be imported (%2); the file was left as it is"_s.arg(
            native, saved.message()));
        return;
    }
    // Kept, never deleted: the user may still want it (or an older version of the app may).
    QString imported = jsonPath + u".imported"_s;
    if (QFile::exists(imported))
        imported += u"-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    if (!QFile::rename(jsonPath, imported))
        m_warnings.append(u"the projects in %1 were imported, but the file could not be renamed; move it "
                          u"away so that it is not imported again"_s.arg(native));
}

StoreResult<> ProjectStore::save() const
{
    if (!m_database) {
        return StoreError{m_openError ? m_openError->kind : StoreError::Kind::Internal,
                          u"The project list is not saved: %1"_s.arg(
                              m_openError ? m_openError->message : u"its database was not opened."_s)};
    }
    const QString native = QDir::toNativeSeparators(m_filePath);
    const auto notSaved = [&](const QString& why) {
        return StoreError{
            StoreError::Kind::Internal,
            u"Could not save the project list to %1: %2. The previous list is intact."_s.arg(native, why)};
    };
    auto fail = [&](const QString& why) {
        m_database->rollback();
        return notSaved(why);
    };
    if (const StoreResult<> begun = m_database->transaction(); !begun.ok())
        return notSaved(begun.message());
    const QSqlDatabase db = m_database->connection();
    QSet<QString> keep;
    for (const Project& project : m_projects)
        keep.insert(project.id);
    QStringList gone;
    {
        QSqlQuery ids(db);
        ids.setForwardOnly(true);
        if (!ids.exec(u"SELECT id FROM projects"_s))
            return fail(ids.lastError().text());
        while (ids.next()) {
            if (!keep.contains(ids.value(0).toString()))
                gone.append(ids.value(0).toString());
        }
    }
    QSqlQuery remove(db);
    remove.prepare(u"DELETE FROM projects WHERE id = ?"_s); // its runs, steps and logs go with it
    for (const QString& id : std::as_const(gone)) {
        remove.bindValue(0, id);
        if (!remove.exec())
            return fail(remove.lastError().text());
    }
    QSqlQuery upsert(db);
    // An empty QString can be a null one, which the driver binds as NULL: COALESCE makes it ''.
    upsert.prepare(
        u"INSERT INTO projects (id, repository, branch, mode, backend, plan_json, added, sandbox_id, "
        u"preview_url, status, updated, keep_awake, run_without_isolation, environment_json, source) VALUES "
        u"(?, COALESCE(?, ''), COALESCE(?, ''), ?, COALESCE(?, ''), ?, ?, COALESCE(?, ''), COALESCE(?, ''), "
        u"COALESCE(?, ''), ?, ?, ?, ?, ?) "
        u"ON CONFLICT (id) DO UPDATE SET repository = excluded.repository, branch = excluded.branch, "
        u"mode = excluded.mode, backend = excluded.backend, plan_json = excluded.plan_json, "
        u"added = excluded.added, sandbox_id = excluded.sandbox_id, "
        u"preview_url = excluded.preview_url, status = excluded.status, updated = excluded.updated, "
        u"keep_awake = excluded.keep_awake, run_without_isolation = excluded.run_without_isolation, "
        u"environment_json = excluded.environment_json, source = excluded.source"_s);
    const QVariant now = timeToDb(QDateTime::currentDateTimeUtc());
    for (const Project& project : m_projects) {
        bindProject(upsert, project, m_states.value(project.id), now);
        if (!upsert.exec())
            return fail(upsert.lastError().text());
    }
    if (const StoreResult<> committed = m_database->commit(); !committed.ok())
        return fail(committed.message());
    return {};
}

const Project* ProjectStore::find(const QString& id) const
{
    for (const Project& project : m_projects) {
        if (project.id == id)
            return &project;
    }
    return nullptr;
}

void ProjectStore::put(const Project& project)
{
    for (Project& existing : m_projects) {
        if (existing.id == project.id) {
            existing = project;
            return;
        }
    }
    m_projects.append(project);
}

void ProjectStore::remove(const QString& id)
{
    m_projects.removeIf([&id](const Project& project) { return project.id == id; });
    m_states.remove(id);
}

StoreResult<> ProjectStore::setState(const QString& id, const ProjectState& state)
{
    if (state == ProjectState())
        m_states.remove(id);
    else
        m_states.insert(id, state);
    if (!m_database)
        return {}; // written by the next successful save()
    QSqlQuery query(m_database->connection());
    query.prepare(u"UPDATE projects SET sandbox_id = COALESCE(?, ''), preview_url = COALESCE(?, ''), "
                  u"status = COALESCE(?, ''), updated = ? WHERE id = ?"_s);
    query.addBindValue(state.sandboxId);
    query.addBindValue(state.previewUrl);
    query.addBindValue(state.status ? toString(*state.status) : QString());
    query.addBindValue(timeToDb(QDateTime::currentDateTimeUtc()));
    query.addBindValue(id);
    if (!query.exec()) {
        return StoreError{StoreError::Kind::Internal,
                          u"Could not save the state of a project to %1: %2"_s.arg(
                              QDir::toNativeSeparators(m_filePath), query.lastError().text())};
    }
    return {};
}

} // namespace forge
