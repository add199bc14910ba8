#include "FakeDaytonaServer.h"

#include <memory>

using forge::test::HttpExchange;
using forge::test::HttpResponse;
using forge::test::RecordedRequest;

FakeDaytonaServer::FakeDaytonaServer()
{
    m_server.setHandler(
        [this](const RecordedRequest& request, const std::shared_ptr<HttpExchange>& exchange) {
            const FakeResponse fake = m_handler ? m_handler(request) : FakeResponse::json(404, {});
            if (fake.hang)
                return; // the connection stays open until the client gives up
            HttpResponse response{fake.status, {}, fake.body};
            if (!fake.contentType.isEmpty())
                response.headers.append({"Content-Type", fake.contentType});
            response.headers += fake.headers;
            exchange->send(response);
        });
    m_server.listen();
}

void FakeDaytonaServer::setSequence(QList<FakeResponse> responses)
{
    auto queue = std::make_shared<QList<FakeResponse>>(std::move(responses));
    m_handler = [queue](const RecordedRequest&) {
        return queue->size() > 1 ? queue->takeFirst() : queue->constFirst();
    };
}
