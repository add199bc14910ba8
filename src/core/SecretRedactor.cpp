#include "SecretRedactor.h"

#include <QByteArray>
#include <QLatin1StringView>
#include <QRegularExpression>
#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Shorter registered values are ignored: masking every "abc" in a log would make it unreadable and
// protects nothing (no real credential is that short).
constexpr qsizetype MinSecretLength = 4;

// One token shape. Everything the expression matches outside the named group `s` is kept, so the log
// still says what kind of secret was there (`ghp_***`, `Authorization: basic ***`). `needle` is a
// cheap case-insensitive substring test run first: most log lines contain none of them, and a
// `contains` is far cheaper than a regular-expression search.
struct Pattern
{
    QLatin1StringView needle;
    QRegularExpression re;
};

QRegularExpression compile(const QString& pattern, bool caseInsensitive)
{
    QRegularExpression re(pattern, caseInsensitive ? QRegularExpression::CaseInsensitiveOption
                                                   : QRegularExpression::NoPatternOption);
    re.optimize(); // JIT-compile now, not on the first log line
    Q_ASSERT_X(re.isValid(), "SecretRedactor", qPrintable(re.errorString()));
    return re;
}

// Compiled once for the process (thread-safe static initialisation); matching a const
// QRegularExpression from several threads is safe.
const std::array<Pattern, 11>& patterns()
{
    static const std::array<Pattern, 11> list{{
        // GitHub tokens, see docs/security-notes.md §1b. No leading word boundary on purpose: a token glued
        // to other text (`token=ghp_…`, `"ghp_…"`) must still go.
        {"gh"_L1, compile(u"gh[pousr]_(?<s>[A-Za-z0-9]{20,})"_s, false)},
        {"github_pat_"_L1, compile(u"github_pat_(?<s>[A-Za-z0-9_]{20,})"_s, false)},
        // Daytona API keys (apps/api/src/common/utils/api-key.ts).
        {"dtn_"_L1, compile(u"dtn_(?<s>[A-Za-z0-9]{32,})"_s, false)},
        // Authorization headers in any spelling (curl -v, GIT_TRACE, git's extraheader value, JSON
        // dumps): the scheme word stays, the credential goes. Without a scheme word the whole value
        // goes.
        {"authorization"_L1,
         compile(
             u"authorization[\"']?\\s*[:=]\\s*[\"']?(?:(?:bearer|basic|token|digest)\\s+)?(?<s>[^\\s\"',;]+)"_s,
             true)},
        // A bearer credential outside a header line. `basic`/`token` are ordinary English words, so
        // they only count inside an Authorization header (above); "Bearer" followed by a long
        // token-shaped word is a credential wherever it appears.
        {"bearer"_L1, compile(u"\\bbearer\\s+(?<s>[A-Za-z0-9._~+/-]{16,}=*)"_s, true)},
        // Daytona preview tokens (header and query forms) and sandbox auth keys in environment dumps.
        {"preview-token"_L1,
         compile(u"x-daytona-preview-token[\"']?\\s*[:=]\\s*[\"']?(?<s>[^\\s\"',;&]+)"_s, true)},
        {"_KEY="_L1, compile(u"\\b(?:DAYTONA_SANDBOX_AUTH_KEY|DAYTONA_API_KEY)=(?<s>\\S+)"_s, true)},
        {"TOKEN="_L1,
         compile(u"\\b(?:GITHUB_TOKEN|GH_TOKEN|GH_ENTERPRISE_TOKEN|GIT_PASSWORD)=(?<s>\\S+)"_s, true)},
        // OAuth replies and form bodies (device flow, token refresh) that end up in a debug log.
        {"token"_L1,
         compile(u"\\b(?:access_token|refresh_token)(?:[\"']?\\s*[:=]\\s*[\"']?)(?<s>[^\\s\"',;&]+)"_s,
                 true)},
        // Credentials in a URL: `https://user:pass@host` -> `https://***@host`. Any user info goes,
        // not only user:password pairs: GitHub accepts an OAuth token as the user name alone.
        {"@"_L1, compile(u"//(?<s>[^/@\\s]+)@"_s, false)},
        // base64("x-access-token:" + token), the extraheader form (docs/security-notes.md §1d).
        // "x-access-token:" is 15 bytes, so its encoding is a fixed 20-character prefix whatever the
        // token is.
        {"eC1hY2Nlc3MtdG9rZW46"_L1, compile(u"(?<s>eC1hY2Nlc3MtdG9rZW46[A-Za-z0-9+/]*=*)"_s, false)},
    }};
    return list;
}

// Replaces the `s` group of every match; returns whether anything changed.
bool maskGroup(QString& text, const QRegularExpression& re)
{
    const QLatin1StringView mask(SecretRedactor::Mask);
    QString out;
    qsizetype copied = 0;
    bool changed = false;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const qsizetype start = m.capturedStart(u"s");
        const qsizetype end = m.capturedEnd(u"s");
        if (start < 0 || QStringView(text).mid(start, end - start) == mask)
            continue;
        if (!changed)
            out.reserve(text.size());
        out.append(QStringView(text).mid(copied, start - copied));
        out.append(mask);
        copied = end;
        changed = true;
    }
    if (changed) {
        out.append(QStringView(text).mid(copied));
        text = std::move(out);
    }
    return changed;
}

// One pass over all exact values and patterns; returns whether anything was masked.
bool redactOnce(QString& text, const QStringList& secrets)
{
    bool changed = false;
    const QString mask = QString::fromLatin1(SecretRedactor::Mask);
    // Exact values first: they catch secrets of any shape, including ones no pattern knows.
    for (const QString& secret : secrets) {
        if (text.contains(secret)) {
            text.replace(secret, mask);
            changed = true;
        }
    }
    for (const Pattern& p : patterns()) {
        if (text.contains(p.needle, Qt::CaseInsensitive))
            changed = maskGroup(text, p.re) || changed;
    }
    return changed;
}

// Encoded at `offset` bytes after a base64 block starts, the value's first characters mix with what
// comes before it and its last with what comes after; what is left depends on the value alone.
// Shorter than MinEmbeddedLength, such a core would match ordinary text, so it is not kept.
QStringList embeddedBase64Forms(const QByteArray& value)
{
    constexpr qsizetype MinEmbeddedLength = 8;
    QStringList cores;
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray padded = QByteArray(offset, '\0') + value;
        const QString encoded =
            QString::fromLatin1(padded.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals));
        // offset 0: nothing mixed at the front; 1 byte before: 2 characters; 2 bytes: 3 characters.
        const qsizetype front = offset == 0 ? 0 : offset + 1;
        const qsizetype back = padded.size() % 3 == 0 ? 0 : 1;
        const QString core = encoded.mid(front, encoded.size() - front - back);
        if (core.size() >= MinEmbeddedLength)
            cores << core;
    }
    return cores;
}

} // namespace

void SecretRedactor::addSecret(const QString& value)
{
    if (value.size() < MinSecretLength)
        return;
    const QByteArray utf8 = value.toUtf8();
    // The forms in which a token reaches git's extraheader (AUTHORIZATION: basic base64(user:token))
    // and anything else that base64-encodes it.
    const QString forms[] = {
        value,
        QString::fromLatin1(QByteArray("x-access-token:" + utf8).toBase64()),
        QString::fromLatin1(utf8.toBase64()),
        // Without padding too: some tools print unpadded base64.
        QString::fromLatin1(QByteArray("x-access-token:" + utf8)
                                .toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals)),
        QString::fromLatin1(utf8.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals)),
    };
    for (const QString& form : forms) {
        if (form.size() >= MinSecretLength && !m_secrets.contains(form))
            m_secrets.append(form);
    }
    // Base64 of a longer text that contains the value ("user:" + value, a .env file, a JSON body):
    // at each of the three byte offsets, the characters that come from the value alone.
    for (const QString& core : embeddedBase64Forms(utf8)) {
        if (!m_secrets.contains(core))
            m_secrets.append(core);
    }
    // Longest first, so a secret that contains another registered secret is masked whole instead of
    // leaving its remainder behind.
    std::stable_sort(m_secrets.begin(), m_secrets.end(),
                     [](const QString& a, const QString& b) { return a.size() > b.size(); });
}

QString SecretRedactor::redact(const QString& text) const
{
    // Masking one secret can make a new match appear (a registered value that spans a masked one).
    // Repeating until a pass changes nothing makes redact(redact(x)) == redact(x) hold for every
    // input; lines without secrets take exactly one pass, lines with secrets normally two.
    QString result = text;
    for (int pass = 0; pass < 8 && redactOnce(result, m_secrets); ++pass) {
    }
    return result;
}

} // namespace forge
