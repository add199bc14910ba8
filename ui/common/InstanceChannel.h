#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace forge::ui {

// One Forge Preview per user and data folder. The first instance listens on a local socket; a
// second start (a clicked forge-preview:// link, a second launch from the menu) hands its request to
// the first and exits, so two windows never run the same projects and sandboxes at once.
//
// The socket is this user's alone (issue 16): it lives in $XDG_RUNTIME_DIR, a folder nobody else may
// enter, or in the data folder when that variable is unset or names a folder that is not private;
// never under a predictable name in the shared /tmp, where another local user could create it first
// and receive every link. Both ends also ask the kernel who is at the other end (SO_PEERCRED): the
// running instance ignores requests from another user, and a second start hands its link to no one
// but its own user, wherever the socket came from.
class InstanceChannel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstanceChannel)
public:
    // Requests one instance sends another.
    static constexpr auto Activate = "activate";    // bring the window to the front
    static constexpr auto OpenLinkPrefix = "link "; // followed by a forge-preview:// link

    explicit InstanceChannel(const QString& dataDirectory, QObject* parent = nullptr);
    ~InstanceChannel() override;

    // Hands `request` to the instance already running for the data folder. True when one took it;
    // false when none runs, when it did not answer within `timeoutMs`, or when the socket is held by
    // another user: then nothing was sent and `problem` (when given) says so.
    bool sendToRunningInstance(const QString& request, int timeoutMs = 3000,
                               QString* problem = nullptr) const;
    // Becomes the running instance. False (with errorString()) when the socket cannot be made.
    bool listen();
    QString errorString() const { return m_error; }
    // The socket's path (see socketPathFor).
    QString serverName() const { return m_serverName; }

    // Where the socket for `dataDirectory` lives: $XDG_RUNTIME_DIR/forge-preview-<hash of the data
    // folder>.socket when that folder is this user's and closed to others, else
    // <dataDirectory>/instance.socket.
    static QString socketPathFor(const QString& dataDirectory);

Q_SIGNALS:
    void requestReceived(const QString& request);

private:
    void readRequests();

    QString m_serverName;
    QLocalServer* m_server = nullptr;
    QString m_error;
};

} // namespace forge::ui
