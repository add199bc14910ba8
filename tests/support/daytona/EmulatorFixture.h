#pragma once

#include "DaytonaEmulator.h"

#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace forge::test {

// A Daytona emulator on 127.0.0.1 over a data folder of its own, made for one test function and
// gone with it: the set-up every Daytona integration test repeated.
class EmulatorFixture
{
public:
    // Empty when the emulator listens, else what went wrong.
    QString start(const QString& apiKey);
    void stop();

    DaytonaEmulator* operator->() const { return m_emulator.get(); }
    DaytonaEmulator& operator*() const { return *m_emulator; }
    DaytonaEmulator* get() const { return m_emulator.get(); }
    QString dataPath() const { return m_data ? m_data->path() : QString(); }
    // The folder on this machine that sandbox `sandboxId`'s work dir is (where GET /work-dir points),
    // for a test to put files in or look at them.
    QString workspacePath(const QString& sandboxId) const;

private:
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<DaytonaEmulator> m_emulator;
};

} // namespace forge::test
