#pragma once

#include <QCoroTask>
#include <QString>
#include <optional>
#include <utility>

// QCoro 0.8's waitFor() never returns when the awaited task throws, so tests await through these:
// the error type a client throws is caught inside a coroutine of their own and handed back as a
// value. Header-only, for any error type (DaytonaError, GitHubError, forge::Failure...).
namespace forge::test {

template<typename Error, typename T>
struct Caught
{
    std::optional<T> value;
    std::optional<Error> error;

    // For failure messages: the error's text for people, or "ok".
    QString describe() const
    {
        if (!error)
            return QStringLiteral("ok");
        if constexpr (requires { error->userMessage(); })
            return error->userMessage();
        else
            return error->message();
    }
};

template<typename Error, typename T>
QCoro::Task<Caught<Error, T>> catching(QCoro::Task<T> task)
{
    Caught<Error, T> caught;
    try {
        caught.value = co_await std::move(task);
    } catch (const Error& error) {
        caught.error = error;
    }
    co_return caught;
}

template<typename Error>
QCoro::Task<std::optional<Error>> catchingVoid(QCoro::Task<> task)
{
    try {
        co_await std::move(task);
    } catch (const Error& error) {
        co_return error;
    }
    co_return std::nullopt;
}

// Awaits `task` in a nested event loop: its value, or the Error it threw.
template<typename Error, typename T>
Caught<Error, T> awaitCatching(QCoro::Task<T> task)
{
    return QCoro::waitFor(catching<Error>(std::move(task)));
}

// Awaits a task without a value: the Error it threw, or nothing.
template<typename Error>
std::optional<Error> awaitCatchingVoid(QCoro::Task<> task)
{
    return QCoro::waitFor(catchingVoid<Error>(std::move(task)));
}

} // namespace forge::test
