#pragma once

#include "daytona/DaytonaError.h"

#include <QCoroTask>
#include <optional>

// QCoro::waitFor hangs when the awaited task throws, so tests await through these wrappers, which
// catch the client's error inside a coroutine of their own and hand back value-or-error.
template<typename T>
struct Outcome
{
    std::optional<T> value;
    std::optional<forge::daytona::DaytonaError> error;
    QString describe() const { return error ? error->userMessage() : QStringLiteral("ok"); }
};

template<typename T>
QCoro::Task<Outcome<T>> capture(QCoro::Task<T> task)
{
    Outcome<T> outcome;
    try {
        outcome.value = co_await std::move(task);
    } catch (const forge::daytona::DaytonaError& error) {
        outcome.error = error;
    }
    co_return outcome;
}

inline QCoro::Task<Outcome<bool>> captureVoid(QCoro::Task<> task)
{
    Outcome<bool> outcome;
    try {
        co_await std::move(task);
        outcome.value = true;
    } catch (const forge::daytona::DaytonaError& error) {
        outcome.error = error;
    }
    co_return outcome;
}

template<typename T>
Outcome<T> run(QCoro::Task<T> task)
{
    return QCoro::waitFor(capture(std::move(task)));
}

inline Outcome<bool> runVoid(QCoro::Task<> task)
{
    return QCoro::waitFor(captureVoid(std::move(task)));
}
