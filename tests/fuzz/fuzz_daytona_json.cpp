// Daytona's answers (packed as an HTTP message, see FuzzInput.h) through every decoder the client
// has: sandboxes and sandbox lists, error bodies with their Retry-After headers, and session command
// logs in both shapes. Garbage may be refused with a DaytonaError; nothing else may happen.

#include "FuzzInput.h"
#include "daytona/DaytonaError.h"
#include "daytona/DaytonaHttp.h"
#include "daytona/Sandbox.h"
#include "daytona/SandboxApi.h"
#include "daytona/ToolboxApi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace forge::daytona;
using namespace Qt::StringLiterals;
namespace fuzz = forge::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const fuzz::HttpMessage message = fuzz::unpackHttpMessage(input);
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1790000000, Qt::UTC);

    const DaytonaError error =
        DaytonaError::fromHttp(message.statusCode, message.body, message.headers, u"/sandbox"_s, now);
    fuzz::check(!error.userMessage().isEmpty(), "an error without a message for the user");
    if (const auto retry = DaytonaError::parseRetryAfter(message.headers, now))
        fuzz::check(retry->count() >= 0, "a negative Retry-After");

    const QJsonDocument document = QJsonDocument::fromJson(message.body);
    const Sandbox sandbox = Sandbox::fromJson(document.object());
    (void)sandbox.isFailed();
    try {
        QString cursor;
        const QJsonValue value =
            document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
        for (const Sandbox& listed : SandboxApi::parseList(value, &cursor))
            (void)listed.isFailed();
    } catch (const DaytonaError&) {
    }

    HttpReply reply;
    reply.statusCode = message.statusCode;
    reply.body = message.body;
    reply.headers = message.headers;
    try {
        const CommandLogs logs = ToolboxApi::parseLogs(reply);
        (void)logs;
    } catch (const DaytonaError& refused) {
        fuzz::check(!refused.userMessage().isEmpty(), "a refusal without a message for the user");
    }
    return 0;
}
