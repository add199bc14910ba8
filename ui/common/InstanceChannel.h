#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace forge::ui {

// One Forge Preview per user and data folder. The first instance listens on a local socket; a
// second start (a clicked forge-preview:// link, a second launch from the menu) hands its request to
// the first and exits, so two windows never run the same projects and sandboxes at once.
class InstanceChannel : public QObject
{
    Q_OBJECT
public:
    // Requests one instance sends another.
    static constexpr auto Activate = "activate";    // bring the window to the front
    static constexpr auto OpenLinkPrefix = "link "; // followed by a forge-preview:// link

    explicit InstanceChannel(const QString& dataDirectory, QObject* parent = nullptr);
    ~InstanceChannel() override;

    // Hands `request` to the instance already running for the data folder. True when one took it;
    // false when none runs (or it did not answer within `timeoutMs`).
    bool sendToRunningInstance(const QString& request, int timeoutMs = 3000) const;
    // Becomes the running instance. False (with errorString()) when the socket cannot be made.
    bool listen();
    QString errorString() const { return m_error; }
    // The socket's name: per user and data folder.
    QString serverName() const { return m_serverName; }

Q_SIGNALS:
    void requestReceived(const QString& request);

private:
    void readRequests();

    QString m_serverName;
    QLocalServer* m_server = nullptr;
    QString m_error;
};

} // namespace forge::ui
