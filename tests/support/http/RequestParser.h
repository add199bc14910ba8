#pragma once

#include "HttpMessages.h"

#include <QByteArray>
#include <optional>
#include <utility>

namespace forge::test {

// Reads HTTP/1.1 requests out of a byte stream, one at a time: the head, then a Content-Length or
// chunked body (chunk extensions and trailers are read and dropped). No socket, so a test can feed
// it any split of the bytes. Malformed input ends it with a status to answer (400, or 413 for a
// body over 64 MiB: fixtures are small, and a broken client must not make a test eat memory).
class RequestParser
{
public:
    enum class Progress { NeedMore, Complete, Failed };

    void append(const QByteArray& bytes) { m_buffer += bytes; }
    // Parses as far as the buffered bytes go.
    Progress parse();

    // True once per request whose head said "Expect: 100-continue".
    bool takeContinueExpected() { return std::exchange(m_continueExpected, false); }
    // The client does not want the connection kept after this request (Connection: close, or
    // HTTP/1.0 without keep-alive).
    bool closeRequested() const { return m_closeRequested; }
    // After Failed: what to answer.
    int failureStatus() const { return m_failureStatus; }
    // The request parsed so far (complete after Complete; after Failed, whatever of its head was
    // read: an empty method when the head itself was bad); the parser then starts on the next one
    // from the bytes that followed (a pipelined request).
    RecordedRequest takeRequest();

private:
    enum class Stage { Head, Body, ChunkSize, ChunkData, ChunkEnd, Trailers, Done, Failed };

    bool parseHead();
    bool parseRequestLineAndHeaders(const QList<QByteArray>& lines);
    bool chooseBodyFraming();
    Progress parseLengthBody();
    Progress parseChunkedBody();
    bool parseChunkSize();
    // The buffered bytes before `terminator`, which is consumed; nullopt while it has not come (or
    // never will: past a head's size limit, that fails with 400).
    std::optional<QByteArray> takeUntil(const QByteArray& terminator);
    // Moves what is buffered of the m_remaining body bytes into the body; true once all are there.
    bool takeBody();
    Progress fail(int status);

    QByteArray m_buffer;
    Stage m_stage = Stage::Head;
    RecordedRequest m_request;
    qint64 m_remaining = 0; // of the Content-Length body or the current chunk
    bool m_continueExpected = false;
    bool m_closeRequested = false;
    int m_failureStatus = 0;
};

} // namespace forge::test
