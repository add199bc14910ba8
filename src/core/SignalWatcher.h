#pragma once

#include <QObject>

class QSocketNotifier;

namespace forge {

// Turns SIGINT, SIGTERM and SIGHUP into a Qt signal (self-pipe trick: the handler only writes a
// byte; the event loop does the work), so Ctrl+C can stop the sandbox cleanly instead of killing
// the program mid-step. Both programs use it: the CLI stops its run, the desktop app closes its
// window (which stops every preview first).
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)
public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    // `count` is how many times the user has asked so far (a second Ctrl+C means "now").
    void interrupted(int count);

private:
    void drain();

    QSocketNotifier* m_notifier = nullptr;
    int m_count = 0;
};

} // namespace forge
