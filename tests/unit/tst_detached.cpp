// forge::detach (src/core/Detached.h): fire-and-forget coroutines run to their end, and a failure
// is logged while their context lives and dropped quietly once it is gone.

#include "core/Detached.h"
#include "core/Failure.h"

#include <QCoroTimer>
#include <QTest>
#include <memory>
#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace forge {

namespace {

// The forge.detached messages logged while a MessageLog exists.
class MessageLog
{
public:
    MessageLog()
    {
        s_current = this;
        m_previous = qInstallMessageHandler(&MessageLog::record);
    }
    ~MessageLog()
    {
        qInstallMessageHandler(m_previous);
        s_current = nullptr;
    }
    QStringList warnings() const { return m_warnings; }
    QStringList debugs() const { return m_debugs; }

private:
    static void record(QtMsgType type, const QMessageLogContext& context, const QString& message)
    {
        if (!s_current || qstrcmp(context.category, "forge.detached") != 0)
            return;
        if (type == QtWarningMsg)
            s_current->m_warnings.append(message);
        else if (type == QtDebugMsg)
            s_current->m_debugs.append(message);
    }

    static inline MessageLog* s_current = nullptr;
    QtMessageHandler m_previous = nullptr;
    QStringList m_warnings;
    QStringList m_debugs;
};

// Waits a moment (so the caller's detach() returns first), marks `ended`, then throws `error`
// unless it is null.
template<typename Error>
QCoro::Task<int> waitThenThrow(std::shared_ptr<bool> ended, std::optional<Error> error)
{
    co_await QCoro::sleepFor(10ms);
    *ended = true;
    if (error)
        throw *error;
    co_return 42;
}

} // namespace

class DetachedTest : public QObject
{
    Q_OBJECT

private slots:
    void init() { QLoggingCategory::setFilterRules(u"forge.detached.debug=true"_s); }
    void cleanup() { QLoggingCategory::setFilterRules({}); }

    void aTaskRunsToItsEndWithoutAnOwner()
    {
        MessageLog log;
        QObject context;
        auto ended = std::make_shared<bool>(false);
        detach(waitThenThrow<Failure>(ended, std::nullopt), &context, "the quiet task");
        QVERIFY(!*ended);
        QTRY_VERIFY(*ended);
        QVERIFY(log.warnings().isEmpty());
    }

    void aFailureIsLoggedWithWhatFailed()
    {
        MessageLog log;
        QObject context;
        auto ended = std::make_shared<bool>(false);
        detach(waitThenThrow(ended, std::optional(Failure::permanent(u"The sandbox is gone."_s))), &context,
               "the test task");
        QTRY_VERIFY(*ended);
        QCOMPARE(log.warnings(), QStringList{u"the test task failed: The sandbox is gone."_s});
    }

    void anyExceptionIsLogged()
    {
        MessageLog log;
        QObject context;
        auto ended = std::make_shared<bool>(false);
        detach(waitThenThrow(ended, std::optional(std::runtime_error("out of cheese"))), &context,
               "the task");
        QTRY_VERIFY(*ended);
        QCOMPARE(log.warnings(), QStringList{u"the task failed: out of cheese"_s});

        *ended = false;
        detach(waitThenThrow(ended, std::optional(7)), &context, "the odd task");
        QTRY_VERIFY(*ended);
        QCOMPARE(log.warnings().size(), 2);
        QVERIFY(log.warnings().last().startsWith(u"the odd task failed"_s));
    }

    void aCancellationIsNoWarning()
    {
        MessageLog log;
        QObject context;
        auto ended = std::make_shared<bool>(false);
        detach(waitThenThrow(ended, std::optional(Failure::cancelled(u"Stopped."_s))), &context, "the task");
        QTRY_VERIFY(*ended);
        QVERIFY(log.warnings().isEmpty());
        QCOMPARE(log.debugs(), QStringList{u"the task was cancelled: Stopped."_s});
    }

    void aDestroyedContextIsTolerated()
    {
        MessageLog log;
        auto context = std::make_unique<QObject>();
        auto ended = std::make_shared<bool>(false);
        detach(waitThenThrow(ended, std::optional(Failure::permanent(u"Too late."_s))), context.get(),
               "the orphan");
        context.reset();
        QTRY_VERIFY(*ended);
        QVERIFY(log.warnings().isEmpty());
        QVERIFY(log.debugs().isEmpty());
    }

    void aTaskThatFailsAtOnceIsLogged()
    {
        MessageLog log;
        QObject context;
        const auto failAtOnce = []() -> QCoro::Task<> {
            throw Failure::permanent(u"No network."_s);
            co_return;
        };
        detach(failAtOnce(), &context, "the eager task");
        QCOMPARE(log.warnings(), QStringList{u"the eager task failed: No network."_s});
    }
};

} // namespace forge

QTEST_GUILESS_MAIN(forge::DetachedTest)
#include "tst_detached.moc"
