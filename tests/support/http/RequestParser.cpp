#include "RequestParser.h"

#include <optional>

namespace forge::test {

namespace {
constexpr qsizetype MaxHeadSize = 64 * 1024;
constexpr qsizetype MaxBodySize = 64 * 1024 * 1024;
} // namespace

RequestParser::Progress RequestParser::parse()
{
    if (m_stage == Stage::Head && !parseHead())
        return m_stage == Stage::Failed ? Progress::Failed : Progress::NeedMore;
    if (m_stage == Stage::Body)
        return parseLengthBody();
    if (m_stage == Stage::Done)
        return Progress::Complete;
    if (m_stage == Stage::Failed)
        return Progress::Failed;
    return parseChunkedBody();
}

RecordedRequest RequestParser::takeRequest()
{
    m_stage = Stage::Head;
    m_remaining = 0;
    m_continueExpected = false;
    m_closeRequested = false;
    return std::exchange(m_request, RecordedRequest());
}

// Returns true once the head is parsed; false while it is incomplete or when it failed.
bool RequestParser::parseHead()
{
    const std::optional<QByteArray> head = takeUntil("\r\n\r\n");
    if (!head || !parseRequestLineAndHeaders(head->split('\n')) || !chooseBodyFraming())
        return false;
    m_continueExpected = m_request.header("Expect").compare("100-continue", Qt::CaseInsensitive) == 0;
    return true;
}

bool RequestParser::parseRequestLineAndHeaders(const QList<QByteArray>& lines)
{
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
        fail(400);
        return false;
    }
    m_request.method = requestLine.at(0);
    m_request.target = requestLine.at(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) // a line without a name is skipped, as every fake did before
            m_request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    const QByteArray connection = m_request.header("Connection").toLower();
    m_closeRequested = connection.contains("close") ||
                       (requestLine.at(2) == "HTTP/1.0" && !connection.contains("keep-alive"));
    return true;
}

bool RequestParser::chooseBodyFraming()
{
    if (m_request.header("Transfer-Encoding").toLower().contains("chunked")) {
        m_stage = Stage::ChunkSize;
        return true;
    }
    bool ok = true;
    const QByteArray length = m_request.header("Content-Length");
    m_remaining = length.isEmpty() ? 0 : length.toLongLong(&ok);
    if (!ok || m_remaining < 0) {
        fail(400);
        return false;
    }
    if (m_remaining > MaxBodySize) {
        fail(413);
        return false;
    }
    m_stage = Stage::Body;
    return true;
}

RequestParser::Progress RequestParser::parseLengthBody()
{
    if (!takeBody())
        return Progress::NeedMore;
    m_stage = Stage::Done;
    return Progress::Complete;
}

// <hex size>[;extension]\r\n<data>\r\n ... 0\r\n[trailer lines]\r\n
RequestParser::Progress RequestParser::parseChunkedBody()
{
    for (;;) {
        switch (m_stage) {
        case Stage::ChunkSize:
            if (!parseChunkSize())
                return m_stage == Stage::Failed ? Progress::Failed : Progress::NeedMore;
            break;
        case Stage::ChunkData:
            if (!takeBody())
                return Progress::NeedMore;
            m_stage = Stage::ChunkEnd;
            break;
        case Stage::ChunkEnd:
            if (m_buffer.size() < 2)
                return Progress::NeedMore;
            if (!m_buffer.startsWith("\r\n"))
                return fail(400);
            m_buffer.remove(0, 2);
            m_stage = Stage::ChunkSize;
            break;
        case Stage::Trailers: {
            const std::optional<QByteArray> trailer = takeUntil("\r\n");
            if (!trailer)
                return m_stage == Stage::Failed ? Progress::Failed : Progress::NeedMore;
            if (trailer->isEmpty()) {
                m_stage = Stage::Done;
                return Progress::Complete;
            }
            break;
        }
        default:
            return m_stage == Stage::Done ? Progress::Complete : Progress::Failed;
        }
    }
}

// Returns true when a size line was read (the stage moved on); false when it is incomplete or bad.
bool RequestParser::parseChunkSize()
{
    std::optional<QByteArray> sizeLine = takeUntil("\r\n");
    if (!sizeLine)
        return false;
    QByteArray& sizeText = *sizeLine;
    const qsizetype semicolon = sizeText.indexOf(';');
    if (semicolon >= 0)
        sizeText.truncate(semicolon);
    bool ok = false;
    const qlonglong size = sizeText.trimmed().toLongLong(&ok, 16);
    if (!ok || size < 0) {
        fail(400);
        return false;
    }
    if (m_request.body.size() + size > MaxBodySize) {
        fail(413);
        return false;
    }
    m_remaining = size;
    m_stage = size == 0 ? Stage::Trailers : Stage::ChunkData;
    return true;
}

std::optional<QByteArray> RequestParser::takeUntil(const QByteArray& terminator)
{
    const qsizetype end = m_buffer.indexOf(terminator);
    if (end < 0) {
        if (m_buffer.size() > MaxHeadSize)
            fail(400);
        return std::nullopt;
    }
    QByteArray taken = m_buffer.left(end);
    m_buffer.remove(0, end + terminator.size());
    return taken;
}

bool RequestParser::takeBody()
{
    const qsizetype take = qMin(m_remaining, m_buffer.size());
    m_request.body += m_buffer.left(take);
    m_buffer.remove(0, take);
    m_remaining -= take;
    return m_remaining == 0;
}

RequestParser::Progress RequestParser::fail(int status)
{
    m_stage = Stage::Failed;
    m_failureStatus = status;
    return Progress::Failed;
}

} // namespace forge::test
