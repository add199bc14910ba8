#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace forge::ui {

class ResolvedHostCheck;

// What a preview page may request, decided per request by PreviewRequestInterceptor (which
// applies the decision to Qt WebEngine's request) and kept here, apart from WebEngine, so the rules
// can be tested on their own:
//  - the preview's auth headers (Daytona's preview token) go only to exactly the preview's
//    scheme, host and port;
//  - nothing on the user's machine or private network may be reached, whether the URL names it by
//    address or by a name that resolves to it (previeworigin::isLocalNetworkAddress for the list);
//  - file:, qrc: and every other non-network scheme is blocked.
namespace previewrequests {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct Rules
{
    QUrl origin; // scheme://host:port of the preview
    HeaderList originHeaders;
};

enum class Verdict { Allow, AllowWithHeaders, Block };

struct Decision
{
    Verdict verdict = Verdict::Block;
    QString reason; // why it was blocked, for the log
};

// The decision for a request to `url`. Host names that are not the preview's own are looked up
// through `names` and blocked unless every address is public, or when the answer is not known in
// time. Without `names`, names are not looked up (only addresses and localhost are judged): the
// interceptor always passes one.
Decision decide(const Rules& rules, const QUrl& url, ResolvedHostCheck* names = nullptr);

} // namespace previewrequests
} // namespace forge::ui
