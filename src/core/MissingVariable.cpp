#include "core/MissingVariable.h"

#include "core/ProjectEnvironment.h"

#include <QRegularExpression>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// A variable name as output writes it: in capitals, whatever case the phrase around it has.
const QString Name = u"(?-i:([A-Z_][A-Z0-9_]*))(?![A-Za-z0-9_])"_s;
// The same, with an underscore: where the phrase does not say "environment variable", "JSX is not
// defined" or "URL is required" must not read as a variable.
const QString SnakeName = u"(?-i:([A-Z][A-Z0-9]*_[A-Z0-9_]*))(?![A-Za-z0-9_])"_s;
const QString Unset =
    u"(?:still[ \\t]+)?(?:required|missing|not set|not defined|undefined|empty|not provided)"_s;
const QString EnvVariablePhrase = u"env(?:ironment)?(?: var(?:iable)?)"_s;
const QString Quote = u"[\"'`]?"_s;

using Found = QList<std::pair<qsizetype, QString>>; // position in the text, name

QString withoutColours(QString text)
{
    static const QRegularExpression ansi(u"\x1B\\[[0-9;?]*[A-Za-z]"_s);
    return text.remove(ansi);
}

void collect(Found& found, const QString& text, const QRegularExpression& pattern)
{
    QRegularExpressionMatchIterator it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        found.append({match.capturedStart(1), match.captured(1)});
    }
}

// Phrases that state a name is unset, each within one line.
const QList<QRegularExpression>& statements()
{
    const auto pattern = [](const QString& text) {
        return QRegularExpression(text, QRegularExpression::CaseInsensitiveOption);
    };
    static const QList<QRegularExpression> patterns{
        // "Missing environment variable: X", "Missing required env var X", "missing env.X".
        pattern(u"missing (?:required )?(?:env(?:ironment)?(?: var(?:iable)?s?)?)[ \\t]*[.:=]?[ \\t]*"_s +
                Quote + Name),
        // Prisma: "Environment variable not found: DATABASE_URL."
        pattern(u"environment variable not found:[ \\t]*"_s + Name),
        // "Environment variable X is required", "env var `X` is not set".
        pattern(EnvVariablePhrase + u"[ \\t]+"_s + Quote + Name + Quote + u"[ \\t]+(?:is|was)[ \\t]+"_s +
                Unset),
        // OpenAI and others: "The OPENAI_API_KEY environment variable is missing or empty".
        pattern(Quote + Name + Quote + u"[ \\t]+"_s + EnvVariablePhrase + u"[ \\t]+(?:is|was)[ \\t]+"_s +
                Unset),
        // "process.env.X is undefined", "import.meta.env.VITE_X is not defined".
        pattern(u"(?:process\\.env|import\\.meta\\.env)(?:\\.|\\[[\"'`])"_s + Name +
                u"(?:[\"'`]\\])?[ \\t]+(?:is|was)[ \\t]+"_s + Unset),
        // "DATABASE_URL is required", "Error: JWT_SECRET is not set".
        pattern(u"\\b"_s + SnakeName + u"[ \\t]+(?:is|was)[ \\t]+"_s + Unset),
        // "Missing DATABASE_URL", "missing: STRIPE_SECRET_KEY".
        pattern(u"\\bmissing[ \\t]*:?[ \\t]*"_s + Quote + SnakeName),
        // @t3-oss/env with zod 3: "❌ Invalid environment variables: { X: [ 'Required' ] }".
        QRegularExpression(Name + u"\\s*:\\s*\\[\\s*['\"](?:Required|[^'\"\\]]*received undefined)['\"]"_s),
    };
    return patterns;
}

// envalid: "Missing environment variables:" and then one indented `X: undefined` line per name.
void collectListed(Found& found, const QString& text)
{
    static const QRegularExpression list(
        u"Missing environment variables:[ \\t]*\\n((?:[ \\t]+[A-Z_][A-Z0-9_]*:.*(?:\\n|$))+)"_s);
    static const QRegularExpression item(u"^[ \\t]+"_s + Name + u":"_s, QRegularExpression::MultilineOption);
    QRegularExpressionMatchIterator lists = list.globalMatch(text);
    while (lists.hasNext()) {
        const QRegularExpressionMatch block = lists.next();
        QRegularExpressionMatchIterator items = item.globalMatch(block.captured(1));
        while (items.hasNext()) {
            const QRegularExpressionMatch match = items.next();
            found.append({block.capturedStart(1) + match.capturedStart(1), match.captured(1)});
        }
    }
}

// zod's issues, as JSON ("path": ["X"], "message": "Required") or as Node prints objects (path: [
// 'X' ], message: 'Invalid input: expected string, received undefined'): one issue per `{…}`.
void collectZodIssues(Found& found, const QString& text)
{
    static const QRegularExpression issue(u"\\{[^{}]*\\}"_s);
    static const QRegularExpression path(u"[\"']?path[\"']?\\s*:\\s*\\[\\s*[\"']"_s + Name +
                                         u"[\"']\\s*\\]"_s);
    static const QRegularExpression unset(u"Required|received[\"']?\\s*:?\\s*[\"']?undefined"_s);
    QRegularExpressionMatchIterator issues = issue.globalMatch(text);
    while (issues.hasNext()) {
        const QRegularExpressionMatch match = issues.next();
        const QString body = match.captured(0);
        const QRegularExpressionMatch named = path.match(body);
        if (named.hasMatch() && unset.match(body).hasMatch())
            found.append({match.capturedStart(0) + named.capturedStart(1), named.captured(1)});
    }
}

bool isSettable(const QString& name)
{
    return ProjectEnvironment::nameProblem(name).isEmpty();
}

std::optional<QString> stated(const QString& text, const QStringList& candidates)
{
    Found found;
    for (const QRegularExpression& pattern : statements())
        collect(found, text, pattern);
    collectListed(found, text);
    collectZodIssues(found, text);
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    found.removeIf([](const auto& entry) { return !isSettable(entry.second); });
    for (const auto& [position, name] : std::as_const(found)) {
        if (candidates.contains(name))
            return name;
    }
    if (!found.isEmpty())
        return found.constFirst().second;
    return std::nullopt;
}

qsizetype wordPosition(const QString& line, const QString& word)
{
    const QRegularExpression whole(u"(?<![A-Za-z0-9_])"_s + QRegularExpression::escape(word) +
                                   u"(?![A-Za-z0-9_])"_s);
    const QRegularExpressionMatch match = whole.match(line);
    return match.hasMatch() ? match.capturedStart() : -1;
}

// The candidate written closest to a complaint: on its line first, then the lines around it.
std::optional<QString> candidateNearComplaint(const QStringList& lines, const QStringList& candidates)
{
    static const QRegularExpression complaint(
        u"required|missing|undefined|not set|not defined|not found|not provided|must be set|is empty"_s,
        QRegularExpression::CaseInsensitiveOption);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (!complaint.match(lines.at(i)).hasMatch())
            continue;
        for (const qsizetype at : {i, i - 1, i + 1}) {
            if (at < 0 || at >= lines.size())
                continue;
            std::optional<std::pair<qsizetype, QString>> first;
            for (const QString& candidate : candidates) {
                const qsizetype position = wordPosition(lines.at(at), candidate);
                if (position >= 0 && (!first || position < first->first))
                    first = std::pair(position, candidate);
            }
            if (first)
                return first->second;
        }
    }
    return std::nullopt;
}

QStringList camelWords(const QString& identifier)
{
    static const QRegularExpression word(u"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])"_s);
    QStringList words;
    QRegularExpressionMatchIterator it = word.globalMatch(identifier);
    while (it.hasNext())
        words.append(it.next().captured(0).toLower());
    return words;
}

// "supabaseUrl is required." → the one candidate holding the words "supabase" and "url".
std::optional<QString> candidateForOption(const QString& text, const QStringList& candidates)
{
    // camelCase, in a case-insensitive pattern.
    static const QString camel = u"(?-i:([a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+))"_s;
    static const QRegularExpression option(
        u"\\b"_s + camel +
            u"[ \\t]+(?:is|was)[ \\t]+(?:required|missing|not set|undefined)|\\bmissing[ \\t]+"_s + camel +
            u"\\b"_s,
        QRegularExpression::CaseInsensitiveOption);
    QRegularExpressionMatchIterator it = option.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QString identifier = match.captured(1).isEmpty() ? match.captured(2) : match.captured(1);
        const QStringList words = camelWords(identifier);
        QStringList matching;
        for (const QString& candidate : candidates) {
            const QStringList candidateWords = candidate.toLower().split(u'_');
            if (std::all_of(words.cbegin(), words.cend(),
                            [&](const QString& word) { return candidateWords.contains(word); }))
                matching.append(candidate);
        }
        if (matching.size() == 1)
            return matching.constFirst();
    }
    return std::nullopt;
}

} // namespace

std::optional<QString> MissingVariable::find(const QStringList& lastLines, const QStringList& candidates)
{
    QStringList lines;
    for (const QString& line : lastLines)
        lines.append(withoutColours(line));
    QStringList settable = candidates;
    settable.removeIf([](const QString& name) { return !isSettable(name); });

    const QString text = lines.join(u'\n');
    if (auto name = stated(text, settable))
        return name;
    if (auto name = candidateNearComplaint(lines, settable))
        return name;
    return candidateForOption(text, settable);
}

} // namespace forge
