#include "core/Detached.h"

#include "core/Failure.h"

namespace forge {

Q_LOGGING_CATEGORY(lcDetached, "forge.detached")

namespace detail {

void logDetachedFailure(const char* what, const std::exception_ptr& error)
{
    try {
        std::rethrow_exception(error);
    } catch (const Failure& failure) {
        // A Failure's message is written for the user and carries no secret (Failure.h).
        if (failure.isCancelled())
            qCDebug(lcDetached, "%s was cancelled: %s", what, qPrintable(failure.message()));
        else
            qCWarning(lcDetached, "%s failed: %s", what, qPrintable(failure.message()));
    } catch (const std::exception& exception) {
        qCWarning(lcDetached, "%s failed: %s", what, exception.what());
    } catch (...) {
        qCWarning(lcDetached, "%s failed with an exception that is not a std::exception", what);
    }
}

} // namespace detail

} // namespace forge
