#pragma once

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace forge {

// Why the store could not do something: the kind of trouble, and a sentence for the user saying
// what happened and what to do (the driver's message at most, never the values of a row).
struct StoreError
{
    enum class Kind {
        Damaged,  // not a database, or PRAGMA quick_check fails
        Newer,    // written by a newer Forge Preview (user_version > Database::SchemaVersion)
        Access,   // the file or its folder cannot be read, written or created
        Internal, // the SQLite driver is missing, a migration or a statement failed…
    };

    Kind kind = Kind::Internal;
    QString message;
};

// What a store operation gives back: its value, or the StoreError saying why there is none. The
// shape of the variants RunPlanDetector::detect and RepoRef::parse return, with names for the two
// sides. Not convertible to bool on purpose: `if (store.save())` must not compile to a test that
// reads the other way round.
template<typename T = void>
class [[nodiscard]] StoreResult final
{
public:
    StoreResult(T value)
        : m_outcome(std::in_place_index<0>, std::move(value))
    {}
    StoreResult(StoreError error)
        : m_outcome(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_outcome.index() == 0; }
    // The value; only when ok().
    T& value() & { return std::get<0>(m_outcome); }
    const T& value() const& { return std::get<0>(m_outcome); }
    T&& value() && { return std::get<0>(std::move(m_outcome)); }
    // Why it failed; only when !ok().
    const StoreError& error() const { return std::get<1>(m_outcome); }
    // What went wrong and what to do; empty when ok() (so a test may print it either way).
    QString message() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, StoreError> m_outcome;
};

// The outcome of an operation that gives nothing back: done, or why not.
template<>
class [[nodiscard]] StoreResult<void> final
{
public:
    StoreResult() = default;
    StoreResult(StoreError error)
        : m_error(std::move(error))
    {}

    bool ok() const { return !m_error.has_value(); }
    // Why it failed; only when !ok().
    const StoreError& error() const { return m_error.value(); }
    // What went wrong and what to do; empty when ok().
    QString message() const { return m_error ? m_error->message : QString(); }

private:
    std::optional<StoreError> m_error;
};

} // namespace forge
