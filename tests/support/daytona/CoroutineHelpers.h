#pragma once

#include "AwaitCatching.h"
#include "daytona/DaytonaError.h"

// The Daytona client's tests await its tasks through AwaitCatching.h with the client's own error.
template<typename T>
using Outcome = forge::test::Caught<forge::daytona::DaytonaError, T>;

template<typename T>
Outcome<T> run(QCoro::Task<T> task)
{
    return forge::test::awaitCatching<forge::daytona::DaytonaError>(std::move(task));
}

// `value` is true when the task finished without an error.
inline Outcome<bool> runVoid(QCoro::Task<> task)
{
    Outcome<bool> outcome;
    outcome.error = forge::test::awaitCatchingVoid<forge::daytona::DaytonaError>(std::move(task));
    if (!outcome.error)
        outcome.value = true;
    return outcome;
}
