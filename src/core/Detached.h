#pragma once

#include <QCoroTask>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <exception>

namespace forge {

// Where detach() reports the failures of the tasks it runs.
Q_DECLARE_LOGGING_CATEGORY(lcDetached)

namespace detail {

// Logs that the detached task `what` ended with `error`: a cancelled Failure as debug output (a
// cancellation is how a stopped task ends), anything else as a warning with its message.
void logDetachedFailure(const char* what, const std::exception_ptr& error);

template<typename T>
QCoro::Task<> awaitDetached(QCoro::Task<T> task, QPointer<QObject> context, const char* what)
{
    std::exception_ptr error;
    try {
        co_await task;
    } catch (...) {
        error = std::current_exception();
    }
    if (error && context)
        logDetachedFailure(what, error);
}

} // namespace detail

// Runs `task` to its end without waiting for it (fire and forget): its result is dropped and an
// exception that escapes it is logged (forge.detached) as a failure of `what`, a short phrase such
// as "the sandbox health check". Once `context` is destroyed nothing is logged any more: the
// failure of a task whose owner is gone interests no one. Use it instead of
// QCoro::connect(task, context, [] {}), which loses the exception without a word.
template<typename T>
void detach(QCoro::Task<T> task, QObject* context, const char* what)
{
    // The wrapper's own Task may go at once: a QCoro 0.8 coroutine frame that is still running
    // outlives its Task and frees itself when it finishes (qcorotask.h, setDestroyHandle).
    detail::awaitDetached(std::move(task), QPointer<QObject>(context), what);
}

} // namespace forge
