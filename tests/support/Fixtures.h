#pragma once

// Where the repository's test fixtures are. Header-only: FORGE_FIXTURES_DIR is defined for every
// test program by forge_add_test, so no path is written into the repository.

#include "FixtureRepository.h"

#include <QDir>
#include <QString>
#include <QStringList>

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

} // namespace forge::test
