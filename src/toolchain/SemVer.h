#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <compare>
#include <optional>

namespace forge {

// A semantic version as npm reads one: "1.2.3", "v20.20.2", "=1.0.0-rc.1+build.5" (build metadata
// is dropped: it takes no part in precedence). Ordered by semver 2.0, prereleases included.
struct SemVersion
{
    qint64 major = 0;
    qint64 minor = 0;
    qint64 patch = 0;
    QStringList prerelease; // "rc.1" -> {"rc", "1"}

    // nullopt unless `text` is a full version (three numbers without leading zeros).
    static std::optional<SemVersion> parse(QStringView text);
    QString toString() const; // "1.0.0-rc.1"
    bool isPrerelease() const { return !prerelease.isEmpty(); }
    bool sameTuple(const SemVersion& other) const
    {
        return major == other.major && minor == other.minor && patch == other.patch;
    }

    friend std::strong_ordering operator<=>(const SemVersion& a, const SemVersion& b);
    friend bool operator==(const SemVersion& a, const SemVersion& b) = default;
};

// A version range in npm's grammar (the one package.json, engines and .nvmrc files use):
// alternatives joined by `||`, each a space-separated intersection of comparators (`<`, `<=`, `>`,
// `>=`, `=`), caret (`^1.2`), tilde (`~1.2`), x-ranges (`1.x`, `1.2.*`, `*`, `18`) and hyphen ranges
// (`1.2 - 2.3.4`). Desugared the way node-semver does, so that it matches the same versions.
class SemRange
{
public:
    // nullopt with `error` saying which part is not understood.
    static std::optional<SemRange> parse(const QString& text, QString* error = nullptr);

    // npm's rule: a prerelease version only matches when a comparator in the same alternative names a
    // prerelease of the same major.minor.patch (">=1.2.3-beta.1" lets 1.2.3-beta.2 in, not 1.2.4-rc).
    bool satisfiedBy(const SemVersion& version) const;
    // Whether some version (prereleases included) could satisfy both ranges.
    bool intersects(const SemRange& other) const;
    // The desugared form, e.g. "^1.2" -> ">=1.2.0 <2.0.0-0"; "*" for any version.
    QString toString() const;

    struct Comparator
    {
        enum class Operator { Less, LessOrEqual, Greater, GreaterOrEqual, Equal };
        Operator op = Operator::Equal;
        SemVersion version;
        bool test(const SemVersion& candidate) const;
        friend bool operator==(const Comparator&, const Comparator&) = default;
    };
    using ComparatorSet = QList<Comparator>; // all must hold; empty: any version
    const QList<ComparatorSet>& alternatives() const { return m_alternatives; }

private:
    QList<ComparatorSet> m_alternatives;
};

} // namespace forge
