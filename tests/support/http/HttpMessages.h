#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrlQuery>
#include <utility>

namespace forge::test {

// Header fields in the order they were sent or are to be sent, names as written.
using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One HTTP request as a test server received it (body de-chunked), for handlers and assertions.
// Header values are kept so a test can compare them, but nothing here prints them: they may hold a
// token.
struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent, e.g. "/repo.git/info/refs?service=git-upload-pack"
    HttpHeaders headers;
    QByteArray body;
    int status = 0;          // what the server answered; 0 while pending, held or taken over
    qint64 receivedAtMs = 0; // when it was complete, in ms since the server started listening

    QByteArray path() const;  // the target without the query, as sent (percent-encoded)
    QByteArray query() const; // after the '?', empty without one
    QString decodedPath() const;
    QUrlQuery queryItems() const;
    bool hasHeader(const QByteArray& name) const;    // case-insensitive name
    QByteArray header(const QByteArray& name) const; // the first such header's value; empty if absent
};

struct HttpResponse
{
    int status = 200;
    // Content-Length and Connection are written by the server: leave them out.
    HttpHeaders headers;
    QByteArray body;

    static HttpResponse json(int status, const QByteArray& body);
    static HttpResponse text(int status, const QByteArray& body);

    // The bytes on the wire; `keepAlive` false adds "Connection: close".
    QByteArray serialized(bool keepAlive) const;
};

// The standard phrase for a status code ("Not Found"), "Unknown" for codes no fake uses.
QByteArray reasonPhrase(int status);

} // namespace forge::test
