#include "EmulatorFixture.h"

namespace forge::test {

QString EmulatorFixture::start(const QString& apiKey)
{
    m_data = std::make_unique<QTemporaryDir>();
    if (!m_data->isValid())
        return QStringLiteral("could not create a data folder: ") + m_data->errorString();
    DaytonaEmulator::Options options;
    options.dataDirectory = m_data->path();
    options.apiKeys = {apiKey};
    m_emulator = std::make_unique<DaytonaEmulator>(options);
    if (!m_emulator->listen())
        return QStringLiteral("the Daytona emulator could not listen on 127.0.0.1");
    return {};
}

QString EmulatorFixture::workspacePath(const QString& sandboxId) const
{
    return m_emulator->provider().workspacePath(m_emulator->localSandboxName(sandboxId));
}

void EmulatorFixture::stop()
{
    m_emulator.reset(); // before its data folder: its sandboxes live there
    m_data.reset();
}

} // namespace forge::test
