#include "ProjectStore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace forge {

namespace {
constexpr int FormatVersion = 1;
} // namespace

ProjectStore::ProjectStore(QString filePath)
    : m_filePath(std::move(filePath))
{}

bool ProjectStore::load()
{
    m_projects.clear();
    m_warnings.clear();
    m_error.clear();
    QFile file(m_filePath);
    if (!file.exists())
        return true;
    auto setAside = [this](const QString& why) {
        const QString aside =
            m_filePath + u".broken-"_s + QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
        const bool moved = QFile::rename(m_filePath, aside);
        m_error = moved ? u"The project list %1 could not be read (%2). It was kept as %3; the app "
                          u"starts with an empty list."_s.arg(m_filePath, why, aside)
                        : u"The project list %1 could not be read (%2) and could not be moved aside. "
                          u"Move or delete it, then start the app again."_s.arg(m_filePath, why);
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return setAside(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    file.close();
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return setAside(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                     : u"not a JSON object"_s);
    const QJsonObject root = document.object();
    const int version = root.value(u"version"_s).toInt(0);
    if (version > FormatVersion) {
        // Written by a newer Forge Preview: leave it alone rather than lose what it holds.
        m_error =
            u"The project list %1 was written by a newer version of Forge Preview (format %2). "
            u"Update Forge Preview to see those projects; the file was left untouched."_s.arg(m_filePath)
                .arg(version);
        m_filePath.clear(); // never save over it
        return false;
    }
    for (const QJsonValue& value : root.value(u"projects"_s).toArray()) {
        QString why;
        if (auto project = Project::fromJson(value.toObject(), &why))
            m_projects.append(*project);
        else
            m_warnings.append(why);
    }
    return true;
}

bool ProjectStore::save() const
{
    if (m_filePath.isEmpty()) {
        m_error = u"The project list is not saved: the file on disk belongs to a newer version."_s;
        return false;
    }
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QJsonArray list;
    for (const Project& project : m_projects)
        list.append(project.toJson());
    const QJsonObject root{{u"version"_s, FormatVersion}, {u"projects"_s, list}};
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = u"Could not save the project list to %1: %2"_s.arg(m_filePath, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        m_error = u"Could not save the project list to %1: %2. The previous list is intact."_s.arg(
            m_filePath, file.errorString());
        return false;
    }
    return true;
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
}

} // namespace forge
