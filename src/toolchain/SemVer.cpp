#include "SemVer.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace forge {
namespace {

// JavaScript's Number.MAX_SAFE_INTEGER: node-semver refuses larger version numbers.
constexpr qint64 MaxSafeInteger = 9007199254740991;

using Op = SemRange::Comparator::Operator;

bool isNumeric(const QString& identifier)
{
    return !identifier.isEmpty() &&
           std::all_of(identifier.begin(), identifier.end(), [](QChar c) { return c.isDigit(); });
}

// Numeric identifiers compare as numbers and below alphanumeric ones; longer lists win ties.
std::strong_ordering comparePrerelease(const QStringList& a, const QStringList& b)
{
    if (a.isEmpty() || b.isEmpty())
        return b.size() <=> a.size(); // a release sorts above its prereleases
    for (qsizetype i = 0; i < std::min(a.size(), b.size()); ++i) {
        const bool numericA = isNumeric(a[i]);
        const bool numericB = isNumeric(b[i]);
        if (numericA && numericB) {
            const auto order = a[i].toLongLong() <=> b[i].toLongLong();
            if (order != 0)
                return order;
        } else if (numericA != numericB) {
            return numericA ? std::strong_ordering::less : std::strong_ordering::greater;
        } else if (const int order = a[i].compare(b[i], Qt::CaseSensitive); order != 0) {
            return order < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
        }
    }
    return a.size() <=> b.size();
}

// A version number part: digits without a leading zero, at most MaxSafeInteger.
std::optional<qint64> number(const QString& text)
{
    if (!isNumeric(text) || (text.size() > 1 && text.startsWith(u'0')) || text.size() > 16)
        return std::nullopt;
    const qint64 value = text.toLongLong();
    return value <= MaxSafeInteger ? std::optional(value) : std::nullopt;
}

bool validPrerelease(const QStringList& identifiers)
{
    return std::none_of(identifiers.begin(), identifiers.end(), [](const QString& id) {
        return id.isEmpty() || (isNumeric(id) && id.size() > 1 && id.startsWith(u'0'));
    });
}

// A version as written in a range, where trailing parts may be missing or wildcards ("1", "1.x",
// "1.2.*"). A missing part is nullopt, and so is every part after a wildcard.
struct Partial
{
    std::optional<qint64> major;
    std::optional<qint64> minor;
    std::optional<qint64> patch;
    QStringList prerelease;

    SemVersion at(qint64 ma, qint64 mi, qint64 pa, QStringList pre = {}) const
    {
        return SemVersion{ma, mi, pa, std::move(pre)};
    }
    SemVersion full() const { return SemVersion{*major, *minor, *patch, prerelease}; }
};

std::optional<Partial> parsePartial(QStringView text)
{
    static const QRegularExpression pattern(u"\\A[=v]*([0-9]+|[xX*])(?:\\.([0-9]+|[xX*])(?:\\.([0-9]+|[xX*])"
                                            u"(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?)?)?\\z"_s);
    const QRegularExpressionMatch match = pattern.match(text.toString());
    if (!match.hasMatch())
        return std::nullopt;
    Partial partial;
    std::optional<qint64>* parts[] = {&partial.major, &partial.minor, &partial.patch};
    for (int i = 0; i < 3; ++i) {
        const QString part = match.captured(i + 1);
        if (part.isEmpty() || part == u"x"_s || part == u"X"_s || part == u"*"_s)
            break; // this part and every later one stay wildcards
        *parts[i] = number(part);
        if (!*parts[i])
            return std::nullopt;
    }
    if (match.hasCaptured(4) && partial.patch) {
        partial.prerelease = match.captured(4).split(u'.');
        if (!validPrerelease(partial.prerelease))
            return std::nullopt;
    }
    return partial;
}

using Comparators = QList<SemRange::Comparator>;

// "<0.0.0-0": what `<*` and `>*` mean; no version is below it.
Comparators nothing()
{
    return {{Op::Less, SemVersion{0, 0, 0, {u"0"_s}}}};
}

// `1`, `1.2`, `1.2.3`, `=1.x` and `>`, `>=`, `<`, `<=` before a partial version.
Comparators xRange(Op op, const Partial& p)
{
    if (!p.major)
        return op == Op::Less || op == Op::Greater ? nothing() : Comparators{};
    if (p.patch)
        return {{op, p.full()}};
    const qint64 major = *p.major;
    const qint64 minor = p.minor.value_or(0);
    switch (op) {
    case Op::Greater: // >1 means >=2.0.0, >1.2 means >=1.3.0
        return {{Op::GreaterOrEqual, p.minor ? p.at(major, minor + 1, 0) : p.at(major + 1, 0, 0)}};
    case Op::GreaterOrEqual:
        return {{Op::GreaterOrEqual, p.at(major, minor, 0)}};
    case Op::LessOrEqual: // <=1.2 means <1.3.0-0
        return {{Op::Less, p.minor ? p.at(major, minor + 1, 0, {u"0"_s}) : p.at(major + 1, 0, 0, {u"0"_s})}};
    case Op::Less:
        return {{Op::Less, p.at(major, minor, 0, {u"0"_s})}};
    case Op::Equal:
        break;
    }
    if (!p.minor)
        return {{Op::GreaterOrEqual, p.at(major, 0, 0)}, {Op::Less, p.at(major + 1, 0, 0, {u"0"_s})}};
    return {{Op::GreaterOrEqual, p.at(major, minor, 0)}, {Op::Less, p.at(major, minor + 1, 0, {u"0"_s})}};
}

// ~1.2.3: patch updates; ~1 or ~1.x: minor updates too.
Comparators tilde(const Partial& p)
{
    if (!p.major)
        return {};
    if (!p.minor)
        return xRange(Op::Equal, p);
    const SemVersion low = p.patch ? p.full() : p.at(*p.major, *p.minor, 0);
    return {{Op::GreaterOrEqual, low}, {Op::Less, p.at(*p.major, *p.minor + 1, 0, {u"0"_s})}};
}

// ^1.2.3: no change of the leftmost non-zero part (^0.2.3 stays in 0.2, ^0.0.3 is 0.0.3 only).
Comparators caret(const Partial& p)
{
    if (!p.major)
        return {};
    if (!p.minor)
        return xRange(Op::Equal, p);
    const qint64 major = *p.major;
    const qint64 minor = *p.minor;
    const SemVersion low = p.patch ? p.full() : p.at(major, minor, 0);
    SemVersion high;
    if (major > 0)
        high = p.at(major + 1, 0, 0, {u"0"_s});
    else if (minor > 0 || !p.patch)
        high = p.at(0, minor + 1, 0, {u"0"_s});
    else
        high = p.at(0, 0, *p.patch + 1, {u"0"_s});
    return {{Op::GreaterOrEqual, low}, {Op::Less, high}};
}

// `1.2 - 2.3.4`: inclusive at both ends, a partial upper end covering everything it names.
Comparators hyphen(const Partial& from, const Partial& to)
{
    Comparators result;
    if (from.major)
        result.append(
            {Op::GreaterOrEqual, from.patch ? from.full() : from.at(*from.major, from.minor.value_or(0), 0)});
    if (to.patch)
        result.append({Op::LessOrEqual, to.full()});
    else if (to.minor)
        result.append({Op::Less, to.at(*to.major, *to.minor + 1, 0, {u"0"_s})});
    else if (to.major)
        result.append({Op::Less, to.at(*to.major + 1, 0, 0, {u"0"_s})});
    return result;
}

std::optional<Comparators> parseComparator(const QString& token)
{
    static const QRegularExpression pattern(u"\\A(<=|>=|<|>|=|~>|~|\\^)?(.+)\\z"_s);
    const QRegularExpressionMatch match = pattern.match(token);
    if (!match.hasMatch())
        return std::nullopt;
    const std::optional<Partial> partial = parsePartial(match.capturedView(2));
    if (!partial)
        return std::nullopt;
    const QString op = match.captured(1);
    if (op == u"^"_s)
        return caret(*partial);
    if (op.startsWith(u'~'))
        return tilde(*partial);
    if (op == u"<"_s)
        return xRange(Op::Less, *partial);
    if (op == u"<="_s)
        return xRange(Op::LessOrEqual, *partial);
    if (op == u">"_s)
        return xRange(Op::Greater, *partial);
    if (op == u">="_s)
        return xRange(Op::GreaterOrEqual, *partial);
    return xRange(Op::Equal, *partial);
}

// One `||` alternative; `bad` names the part not understood.
std::optional<Comparators> parseAlternative(QString text, QString& bad)
{
    static const QRegularExpression hyphenPattern(u"\\A(\\S+)\\s+-\\s+(\\S+)\\z"_s);
    static const QRegularExpression operatorSpace(u"(<=|>=|<|>|=|~>|~|\\^)\\s+"_s);
    static const QRegularExpression spaces(u"\\s+"_s);
    text = text.trimmed();
    if (const QRegularExpressionMatch match = hyphenPattern.match(text); match.hasMatch()) {
        const auto from = parsePartial(match.capturedView(1));
        const auto to = parsePartial(match.capturedView(2));
        if (from && to)
            return hyphen(*from, *to);
        bad = from ? match.captured(2) : match.captured(1);
        return std::nullopt;
    }
    text.replace(operatorSpace, u"\\1"_s); // ">= 1.2" is ">=1.2"
    Comparators result;
    for (const QString& token : text.split(spaces, Qt::SkipEmptyParts)) {
        const auto comparators = parseComparator(token);
        if (!comparators) {
            bad = token;
            return std::nullopt;
        }
        result += *comparators;
    }
    return result;
}

QString operatorText(Op op)
{
    switch (op) {
    case Op::Less:
        return u"<"_s;
    case Op::LessOrEqual:
        return u"<="_s;
    case Op::Greater:
        return u">"_s;
    case Op::GreaterOrEqual:
        return u">="_s;
    case Op::Equal:
        break;
    }
    return {};
}

// The interval a comparator set allows, to tell whether two sets overlap.
struct Bound
{
    SemVersion version;
    bool inclusive = true;
};

bool overlaps(const Comparators& set)
{
    std::optional<Bound> low;
    std::optional<Bound> high;
    for (const SemRange::Comparator& c : set) {
        const bool inclusive = c.op != Op::Less && c.op != Op::Greater;
        if (c.op != Op::Less && c.op != Op::LessOrEqual) {
            if (!low || c.version > low->version || (c.version == low->version && !inclusive))
                low = Bound{c.version, inclusive};
        }
        if (c.op != Op::Greater && c.op != Op::GreaterOrEqual) {
            if (!high || c.version < high->version || (c.version == high->version && !inclusive))
                high = Bound{c.version, inclusive};
        }
    }
    if (!low || !high)
        return true;
    return low->version < high->version ||
           (low->version == high->version && low->inclusive && high->inclusive);
}

} // namespace

std::strong_ordering operator<=>(const SemVersion& a, const SemVersion& b)
{
    if (const auto order = a.major <=> b.major; order != 0)
        return order;
    if (const auto order = a.minor <=> b.minor; order != 0)
        return order;
    if (const auto order = a.patch <=> b.patch; order != 0)
        return order;
    return comparePrerelease(a.prerelease, b.prerelease);
}

std::optional<SemVersion> SemVersion::parse(QStringView text)
{
    text = text.trimmed();
    if (text.startsWith(u'='))
        text = text.mid(1);
    if (text.startsWith(u'v') || text.startsWith(u'V'))
        text = text.mid(1);
    const std::optional<Partial> partial = parsePartial(text);
    if (!partial || !partial->patch || text.startsWith(u'=') || text.startsWith(u'v'))
        return std::nullopt;
    return partial->full();
}

QString SemVersion::toString() const
{
    QString text = u"%1.%2.%3"_s.arg(major).arg(minor).arg(patch);
    if (!prerelease.isEmpty())
        text += u'-' + prerelease.join(u'.');
    return text;
}

bool SemRange::Comparator::test(const SemVersion& candidate) const
{
    switch (op) {
    case Operator::Less:
        return candidate < version;
    case Operator::LessOrEqual:
        return candidate <= version;
    case Operator::Greater:
        return candidate > version;
    case Operator::GreaterOrEqual:
        return candidate >= version;
    case Operator::Equal:
        break;
    }
    return candidate == version;
}

std::optional<SemRange> SemRange::parse(const QString& text, QString* error)
{
    SemRange range;
    for (const QString& alternative : text.split(u"||"_s)) {
        QString bad;
        const std::optional<Comparators> set = parseAlternative(alternative, bad);
        if (!set) {
            if (error)
                *error = u"“%1” is not a version range: “%2” is not a version, a comparison "
                         u"(>=1.2) or a range (^1.2, ~1.2, 1.x, 1.2 - 2)."_s.arg(text.trimmed(), bad);
            return std::nullopt;
        }
        range.m_alternatives.append(*set);
    }
    return range;
}

bool SemRange::satisfiedBy(const SemVersion& version) const
{
    return std::any_of(m_alternatives.begin(), m_alternatives.end(), [&](const ComparatorSet& set) {
        const bool all =
            std::all_of(set.begin(), set.end(), [&](const Comparator& c) { return c.test(version); });
        if (!all || !version.isPrerelease())
            return all;
        return std::any_of(set.begin(), set.end(), [&](const Comparator& c) {
            return c.version.isPrerelease() && c.version.sameTuple(version);
        });
    });
}

bool SemRange::intersects(const SemRange& other) const
{
    for (const ComparatorSet& mine : m_alternatives) {
        for (const ComparatorSet& theirs : other.m_alternatives) {
            if (overlaps(mine + theirs))
                return true;
        }
    }
    return false;
}

QString SemRange::toString() const
{
    QStringList alternatives;
    for (const ComparatorSet& set : m_alternatives) {
        QStringList comparators;
        for (const Comparator& c : set)
            comparators.append(operatorText(c.op) + c.version.toString());
        alternatives.append(comparators.isEmpty() ? u"*"_s : comparators.join(u' '));
    }
    return alternatives.join(u" || "_s);
}

} // namespace forge
