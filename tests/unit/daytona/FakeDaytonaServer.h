#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QPair>
#include <QTcpServer>
#include <QUrl>
#include <QUrlQuery>
#include <functional>

// A tiny HTTP/1.1 server on 127.0.0.1 for the Daytona client tests: it records every request and
// answers each with whatever the test's handler returns (or never answers, to test timeouts).
struct RecordedRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const;
    bool hasHeader(const QByteArray& name) const;
    QString path() const;
    QUrlQuery query() const;
};

struct FakeResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    bool hang = false; // accept the request and never answer

    static FakeResponse json(int status, const QByteArray& body)
    {
        return {status, body, "application/json", {}, false};
    }
};

class FakeDaytonaServer
{
public:
    using Handler = std::function<FakeResponse(const RecordedRequest&)>;

    FakeDaytonaServer();
    ~FakeDaytonaServer();

    QUrl baseUrl() const; // http://127.0.0.1:<port>
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Answers the listed responses in order, repeating the last one.
    void setSequence(QList<FakeResponse> responses);
    const QList<RecordedRequest>& requests() const { return m_requests; }
    void clear() { m_requests.clear(); }

private:
    void onReadable(QTcpSocket* socket);

    QTcpServer m_server;
    Handler m_handler;
    QList<RecordedRequest> m_requests;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};
