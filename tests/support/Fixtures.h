#pragma once

// Where the repository's test fixtures are. Header-only: FORGE_FIXTURES_DIR is defined for every
// test program by forge_add_test, so no path is written into the repository.

#include <QString>

namespace forge::test {

// tests/fixtures/projects/<name>: the small real projects the workflow tests preview.
inline QString fixtureProjectPath(const QString& name)
{
    return QStringLiteral(FORGE_FIXTURES_DIR) + QStringLiteral("/projects/") + name;
}

} // namespace forge::test
