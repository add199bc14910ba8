#include "secrets/SecretResult.h"

namespace forge {

SecretResult SecretResult::found(QString secret)
{
    SecretResult result;
    result.m_status = Status::Found;
    result.m_secret = std::move(secret);
    return result;
}

SecretResult SecretResult::notFound()
{
    return {};
}

SecretResult SecretResult::done()
{
    SecretResult result;
    result.m_status = Status::Done;
    return result;
}

SecretResult SecretResult::failure(Status status, QString message)
{
    SecretResult result;
    result.m_status = status;
    result.m_message = std::move(message);
    return result;
}

QDebug operator<<(QDebug debug, const SecretResult& result)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "SecretResult(" << static_cast<int>(result.status());
    if (result.isFound())
        debug << ", secret: <" << result.secret().size() << " characters>";
    if (!result.message().isEmpty())
        debug << ", " << result.message();
    debug << ')';
    return debug;
}

} // namespace forge
