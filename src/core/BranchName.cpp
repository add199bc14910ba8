#include "BranchName.h"

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Far longer than any real branch; longer names are a paste accident or an attack.
constexpr qsizetype MaxBranchLength = 255;

bool isForbiddenCharacter(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f) || c.isSpace())
        return true;
    // git's own list (git-check-ref-format(1), rules 4 and 5), and the invisible format characters
    // that would make the name shown differ from the name used.
    return QStringView(u"~^:?*[\\").contains(c) || c.category() == QChar::Other_Format;
}

RepoRefError refuse(const QString& name, const QString& why)
{
    return RepoRefError{u"“%1” is not a valid branch name: %2."_s.arg(name, why),
                        u"Check the branch's name on the repository's page."_s};
}

} // namespace

std::optional<RepoRefError> branchNameProblem(const QString& name)
{
    if (name.isEmpty())
        return RepoRefError{u"The branch name is empty."_s,
                            u"Give a branch name, or none for the default branch."_s};
    if (name.size() > MaxBranchLength)
        return refuse(name.left(40) + u"…"_s, u"it is longer than %1 characters"_s.arg(MaxBranchLength));
    for (const QChar c : name) {
        if (isForbiddenCharacter(c))
            return refuse(name, u"it contains a space, a control character or one of ~ ^ : ? * [ \\"_s);
    }
    if (name.startsWith(u'-'))
        return refuse(name, u"it starts with “-”"_s);
    if (name == u"@" || name.contains(u"@{"))
        return refuse(name, u"it is “@” or contains “@{”"_s);
    if (name.contains(u".."))
        return refuse(name, u"it contains “..”"_s);
    if (name.startsWith(u'/') || name.endsWith(u'/') || name.contains(u"//"))
        return refuse(name, u"it starts or ends with “/” or contains “//”"_s);
    if (name.endsWith(u'.'))
        return refuse(name, u"it ends with “.”"_s);
    for (const QStringView part : QStringView(name).split(u'/')) {
        if (part.startsWith(u'.') || part.endsWith(u".lock"))
            return refuse(name, u"a part starts with “.” or ends with “.lock”"_s);
    }
    return std::nullopt;
}

} // namespace forge
