#include "LocalSandboxStore.h"

#include "core/Failure.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

constexpr auto RecordFileName = "sandbox.json";

SandboxState stateFromString(const QString& text)
{
    for (const SandboxState state : {SandboxState::Creating, SandboxState::Started, SandboxState::Stopped,
                                     SandboxState::Error, SandboxState::Gone}) {
        if (toString(state) == text)
            return state;
    }
    return SandboxState::Error;
}

QJsonObject toJson(const SandboxRecord& record)
{
    QJsonObject labels;
    for (auto it = record.labels.cbegin(); it != record.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonArray processes;
    for (const ProcessRecord& process : record.processes) {
        processes.append(QJsonObject{
            {u"pid"_s, process.pid},
            // A string: clock ticks since boot may exceed what a double holds exactly.
            {u"startTime"_s, QString::number(process.startTime)},
        });
    }
    return QJsonObject{
        {u"id"_s, record.id},
        {u"labels"_s, labels},
        {u"state"_s, toString(record.state)},
        {u"created"_s, record.created.toUTC().toString(Qt::ISODateWithMs)},
        {u"processes"_s, processes},
    };
}

SandboxRecord fromJson(const QJsonObject& json)
{
    SandboxRecord record;
    record.id = json.value(u"id"_s).toString();
    const QJsonObject labels = json.value(u"labels"_s).toObject();
    for (auto it = labels.constBegin(); it != labels.constEnd(); ++it)
        record.labels.insert(it.key(), it.value().toString());
    record.state = stateFromString(json.value(u"state"_s).toString());
    record.created = QDateTime::fromString(json.value(u"created"_s).toString(), Qt::ISODateWithMs);
    const QJsonArray processes = json.value(u"processes"_s).toArray();
    for (const QJsonValue& value : processes) {
        const QJsonObject process = value.toObject();
        ProcessRecord entry;
        entry.pid = process.value(u"pid"_s).toInteger();
        entry.startTime = process.value(u"startTime"_s).toString().toULongLong();
        if (entry.pid > 0)
            record.processes.append(entry);
    }
    return record;
}

} // namespace

LocalSandboxStore::LocalSandboxStore(const QString& rootDirectory)
    : m_root(QDir::cleanPath(rootDirectory))
{}

QString LocalSandboxStore::sandboxPath(const QString& id) const
{
    return m_root + u'/' + id;
}

QString LocalSandboxStore::workspacePath(const QString& id) const
{
    return sandboxPath(id) + u"/workspace"_s;
}

QString LocalSandboxStore::homePath(const QString& id) const
{
    return sandboxPath(id) + u"/home"_s;
}

QString LocalSandboxStore::tmpPath(const QString& id) const
{
    return sandboxPath(id) + u"/tmp"_s;
}

QString LocalSandboxStore::recordPath(const QString& id) const
{
    return sandboxPath(id) + u'/' + QLatin1StringView(RecordFileName);
}

bool LocalSandboxStore::isValidName(const QString& name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"_s);
    return pattern.match(name).hasMatch();
}

std::optional<SandboxRecord> LocalSandboxStore::load(const QString& id) const
{
    if (!isValidName(id))
        return std::nullopt;
    QFile file(recordPath(id));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    SandboxRecord record = fromJson(document.object());
    // The folder name is the identity; a record copied elsewhere must not claim another name.
    record.id = id;
    return record;
}

QList<SandboxRecord> LocalSandboxStore::loadAll() const
{
    QList<SandboxRecord> records;
    const QStringList names = QDir(m_root).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& name : names) {
        if (auto record = load(name))
            records.append(std::move(*record));
    }
    return records;
}

SandboxRecord LocalSandboxStore::create(const QString& id, const QMap<QString, QString>& labels)
{
    const QString base = sandboxPath(id);
    const QDir dir;
    for (const QString& path : {base, workspacePath(id), homePath(id), tmpPath(id)}) {
        if (!dir.mkpath(path)) {
            throw Failure::permanent(
                u"Could not create the sandbox folder %1."_s.arg(path),
                u"Check that the disk is not full and that the data folder is writable."_s);
        }
    }
    // Home and /tmp of the sandbox are nobody else's business.
    QFile::setPermissions(base, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    SandboxRecord record;
    record.id = id;
    record.labels = labels;
    record.state = SandboxState::Started;
    record.created = QDateTime::currentDateTimeUtc();
    save(record);
    return record;
}

void LocalSandboxStore::save(const SandboxRecord& record) const
{
    QSaveFile file(recordPath(record.id));
    // Deliberately no mkpath: saving must never resurrect a sandbox somebody deleted.
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(toJson(record)).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        throw Failure::permanent(
            u"Could not save the record of sandbox “%1” (%2)."_s.arg(record.id, file.errorString()),
            u"Check that the disk is not full and that the data folder is writable."_s);
    }
}

void LocalSandboxStore::remove(const QString& id) const
{
    if (!isValidName(id))
        return;
    QDir dir(sandboxPath(id));
    if (!dir.exists())
        return;
    if (!dir.removeRecursively()) {
        throw Failure::permanent(u"Could not remove every file of sandbox “%1” (%2)."_s.arg(id, dir.path()),
                                 u"Close programs that use files in that folder and delete it by hand."_s);
    }
}

} // namespace forge
