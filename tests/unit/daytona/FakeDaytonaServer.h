#pragma once

#include "HttpServer.h"

#include <QByteArray>
#include <QList>
#include <QUrl>
#include <functional>

struct FakeResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    forge::test::HttpHeaders headers;
    bool hang = false; // accept the request and never answer

    static FakeResponse json(int status, const QByteArray& body)
    {
        return {status, body, "application/json", {}, false};
    }
};

// The Daytona client tests' server, on the tests' HttpServer (127.0.0.1): it records every request
// and answers each with whatever the test's handler returns (or never answers, to test timeouts).
class FakeDaytonaServer
{
public:
    using Handler = std::function<FakeResponse(const forge::test::RecordedRequest&)>;

    FakeDaytonaServer();

    QUrl baseUrl() const { return m_server.url(); } // http://127.0.0.1:<port>
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    // Answers the listed responses in order, repeating the last one.
    void setSequence(QList<FakeResponse> responses);
    const QList<forge::test::RecordedRequest>& requests() const { return m_server.requests(); }
    void clear() { m_server.clearRequests(); }

private:
    forge::test::HttpServer m_server;
    Handler m_handler;
};
