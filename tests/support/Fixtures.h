#pragma once

// Where the repository's test fixtures are. Header-only: FORGE_FIXTURES_DIR is defined for every
// test program by forge_add_test, so no path is written into the repository.

#include "FixtureRepository.h"
#include "GitHttpServer.h"

#include <QDir>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace forge::test {

// tests/fixtures/projects/<name>: the small real projects the workflow tests preview.
inline QString fixtureProjectPath(const QString& name)
{
    return QStringLiteral(FORGE_FIXTURES_DIR) + QStringLiteral("/projects/") + name;
}

// Each named fixture project committed in a git repository at `workDirectory`/<name>, with a bare
// clone at `servedDirectory`/<name>.git for a GitHttpServer serving `servedDirectory`. Empty when
// done, else what failed.
inline QString prepareServedFixtures(const QString& workDirectory, const QString& servedDirectory,
                                     const QStringList& names)
{
    if (!QDir().mkpath(servedDirectory))
        return QStringLiteral("could not create ") + servedDirectory;
    for (const QString& name : names) {
        FixtureRepository repository(QDir(workDirectory).filePath(name));
        if (!repository.initialize(fixtureProjectPath(name)) ||
            !repository.createBareClone(servedDirectory, name))
            return name + QStringLiteral(": ") + repository.errorString();
    }
    return {};
}

// Fixture projects committed in git and served over HTTP by a GitHttpServer on 127.0.0.1, for the
// tests that clone them.
class ServedFixtures
{
public:
    // Empty when the named fixture projects are served, else what went wrong.
    QString serve(const QStringList& names)
    {
        if (!m_work.isValid())
            return QStringLiteral("could not create a work folder: ") + m_work.errorString();
        const QString prepared = prepareServedFixtures(m_work.path(), servedPath(), names);
        if (!prepared.isEmpty())
            return prepared;
        m_git = std::make_unique<GitHttpServer>(servedPath());
        QString error;
        return m_git->listen(&error) ? QString() : error;
    }

    QString workPath() const { return m_work.path(); }
    QString servedPath() const { return m_work.filePath(QStringLiteral("served")); }
    GitHttpServer& git() const { return *m_git; }

private:
    QTemporaryDir m_work;
    std::unique_ptr<GitHttpServer> m_git;
};

} // namespace forge::test
