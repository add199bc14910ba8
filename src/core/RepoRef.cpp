#include "RepoRef.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// git and every browser accept URLs far shorter than this; anything longer is a paste accident or an
// attack on some parser further down.
constexpr qsizetype MaxInputLength = 2048;

const QString GitHubHost = u"github.com"_s;

RepoRefError fail(QString message, QString advice = {})
{
    return RepoRefError{std::move(message), std::move(advice)};
}

// Characters a terminal or a text field would not show faithfully: C0/C1 controls, DEL, and format
// characters such as zero-width spaces and bidi overrides (Trojan Source), which can make the text
// the user sees differ from what reaches git.
bool isInvisibleOrControl(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x20 || u == 0x7f || (u >= 0x80 && u <= 0x9f))
        return true;
    const auto category = c.category();
    return category == QChar::Other_Format || category == QChar::Separator_Line ||
           category == QChar::Separator_Paragraph;
}

bool isValidOwner(QStringView owner)
{
    // GitHub's rule for user and organisation names (docs/security-notes.md §6).
    static const QRegularExpression re(u"\\A[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}\\z"_s);
    return re.match(owner).hasMatch();
}

bool isValidRepoName(QStringView repo)
{
    static const QRegularExpression re(u"\\A[A-Za-z0-9._-]{1,100}\\z"_s);
    return repo != u"." && repo != u".." && re.match(repo).hasMatch();
}

bool isLoopbackHost(const QString& host)
{
    return host == u"localhost" || host == u"127.0.0.1" || host == u"::1" || host == u"[::1]";
}

QString stripDotGit(QString name)
{
    if (name.endsWith(u".git", Qt::CaseInsensitive))
        name.chop(4);
    return name;
}

RepoRefError ownerRepoError(const QString& owner, const QString& repo)
{
    if (!isValidOwner(owner)) {
        return fail(u"“%1” is not a valid GitHub owner name."_s.arg(owner),
                    u"Owner names use letters, digits and single hyphens (at most 39 characters), "
                    u"for example octocat/hello-world."_s);
    }
    return fail(u"“%1” is not a valid repository name."_s.arg(repo),
                u"Repository names use letters, digits, “.”, “-” and “_” (at most 100 characters)."_s);
}

// What an SSH or scp-like address would be as https, so the refusal can offer the exact fix.
QString httpsSuggestion(const QString& host, QString path)
{
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    if (host.isEmpty() || path.isEmpty())
        return {};
    return u"https://"_s + host.toLower() + u'/' + stripDotGit(path);
}

} // namespace

// The one place that fills a RepoRef's private members (a friend of RepoRef), so every RepoRef that
// exists went through the validation in parse().
struct RepoRefBuilder
{
    static RepoRef remote(QUrl url, QString displayName)
    {
        RepoRef ref;
        ref.m_kind = RepoRef::Kind::RemoteUrl;
        ref.m_url = std::move(url);
        ref.m_displayName = std::move(displayName);
        return ref;
    }
    static RepoRef withPullRequest(RepoRef ref, int number)
    {
        ref.m_pullRequest = number;
        return ref;
    }
    static RepoRef local(const QString& path, QString displayName)
    {
        RepoRef ref;
        ref.m_kind = RepoRef::Kind::LocalPath;
        ref.m_localPath = path;
        ref.m_url = QUrl::fromLocalFile(path);
        ref.m_displayName = std::move(displayName);
        return ref;
    }
};

namespace {

std::variant<RepoRef, RepoRefError> makeRemote(const QString& scheme, const QString& host, int port,
                                               const QStringList& segments)
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(host);
    if (port > 0)
        url.setPort(port);
    url.setPath(u'/' + segments.join(u'/'));
    if (!url.isValid())
        return fail(u"“%1” is not a valid URL."_s.arg(url.toDisplayString()));
    const QString name = segments.size() >= 2
                             ? segments.at(segments.size() - 2) + u'/' + stripDotGit(segments.constLast())
                             : stripDotGit(segments.constLast());
    return RepoRefBuilder::remote(std::move(url), name);
}

std::variant<RepoRef, RepoRefError> gitHubRepo(const QString& owner, const QString& repoWithSuffix)
{
    // github.com serves `repo` and `repo.git` alike; dropping the suffix gives one identity for
    // `owner/repo`, `github.com/owner/repo` and `https://github.com/owner/repo.git`.
    const QString repo = stripDotGit(repoWithSuffix);
    if (!isValidOwner(owner) || !isValidRepoName(repo))
        return ownerRepoError(owner, repo);
    return makeRemote(u"https"_s, GitHubHost, -1, {owner, repo});
}

// An authority's host (lower case) and the text of its port (empty when there is none).
struct HostAndPort
{
    QString host;
    QString portText;
};

// `[ipv6]` or `[ipv6]:port`.
std::variant<HostAndPort, RepoRefError> splitBracketedAuthority(const QString& input,
                                                                const QString& authority)
{
    HostAndPort result;
    const qsizetype close = authority.indexOf(u']');
    if (close < 0)
        return fail(u"The URL “%1” has a malformed IPv6 address."_s.arg(input));
    result.host = authority.mid(1, close - 1).toLower();
    const QString after = authority.mid(close + 1);
    if (!after.isEmpty()) {
        if (!after.startsWith(u':'))
            return fail(u"The URL “%1” has a malformed host."_s.arg(input));
        result.portText = after.mid(1);
    }
    static const QRegularExpression ipv6(u"\\A[0-9a-f:.]+\\z"_s);
    if (!ipv6.match(result.host).hasMatch())
        return fail(u"The URL “%1” has a malformed IPv6 address."_s.arg(input));
    return result;
}

// `name` or `name:port`, with an ASCII host name.
std::variant<HostAndPort, RepoRefError> splitNamedAuthority(const QString& authority)
{
    HostAndPort result;
    const qsizetype colon = authority.indexOf(u':');
    result.host = (colon < 0 ? authority : authority.left(colon)).toLower();
    if (colon >= 0)
        result.portText = authority.mid(colon + 1);
    for (const QChar c : std::as_const(result.host)) {
        if (c.unicode() > 0x7f) {
            // Internationalised host names can imitate others with look-alike letters
            // (gіthub.com with a Cyrillic "і"). Git hosts use ASCII names, so refuse them all.
            return fail(u"The host name “%1” contains non-ASCII characters."_s.arg(result.host),
                        u"Check the address: letters that look like Latin ones (for example Cyrillic "
                        u"“а” or “і”) can point to a different site. Type the host name by hand."_s);
        }
    }
    static const QRegularExpression hostRe(
        u"\\A[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\\z"_s);
    if (!hostRe.match(result.host).hasMatch())
        return fail(u"“%1” is not a valid host name."_s.arg(result.host));
    return result;
}

// The port number, or -1 for none and for the scheme's default (one spelling per URL, for a
// stable identity).
std::variant<int, RepoRefError> parsePort(const QString& input, const QString& portText,
                                          const QString& scheme)
{
    int port = -1;
    if (!portText.isEmpty()) {
        bool ok = false;
        port = portText.toInt(&ok);
        static const QRegularExpression digits(u"\\A[0-9]{1,5}\\z"_s);
        if (!ok || !digits.match(portText).hasMatch() || port < 1 || port > 65535)
            return fail(u"The URL “%1” has an invalid port “%2”."_s.arg(input, portText));
    }
    if ((scheme == u"https" && port == 443) || (scheme == u"http" && port == 80))
        port = -1;
    return port;
}

// Path: non-empty segments of safe characters; no "." or ".." that could walk elsewhere on the
// server, and a last segment that names a repository.
std::optional<RepoRefError> checkRepositoryPath(const QString& input, const QString& path,
                                                const QStringList& segments)
{
    if (segments.isEmpty())
        return fail(u"The URL “%1” does not name a repository."_s.arg(input),
                    u"Use the repository's address, for example https://github.com/owner/repo."_s);
    static const QRegularExpression segmentRe(u"\\A[A-Za-z0-9._~+-]+\\z"_s);
    for (const QString& segment : segments) {
        if (segment == u"." || segment == u".." || !segmentRe.match(segment).hasMatch()) {
            return fail(u"The URL path “%1” contains characters that are not allowed."_s.arg(path),
                        u"Repository paths use letters, digits, “.”, “-”, “_” and “/”."_s);
        }
    }

    // The repository's name is the last segment without ".git". A path that ends in ".git" alone
    // ("https://host/.git", "…/owner/.git") names no repository (found by the fuzz target
    // repository_input; tests/fuzz/regressions/repository_input).
    if (const QString name = stripDotGit(segments.constLast());
        name.isEmpty() || name == u"." || name == u"..") {
        return fail(u"The URL “%1” does not name a repository: its path ends in “%2”."_s.arg(
                        input, segments.constLast()),
                    u"Use the repository's address, for example https://git.example.com/owner/repo.git."_s);
    }
    return std::nullopt;
}

// A pull request's address is its base repository's followed by `pull/<number>` and, in a browser's
// copy, a tab (`/files`, `/commits`, `/checks`): that tail is cut from `segments` and the number
// returned; 0 when the path has no such tail. GitHub repositories sit two levels down, so only the
// third segment onwards can be the tail; other hosts (GitHub Enterprise, a test server on
// 127.0.0.1) keep their repository path before it.
std::variant<int, RepoRefError> takePullRequest(const QString& input, QStringList& segments, bool gitHub)
{
    const qsizetype at = segments.lastIndexOf(u"pull"_s);
    if (at < 1 || at + 1 >= segments.size() || segments.size() - at > 3 || (gitHub && at != 2))
        return 0;
    static const QRegularExpression digits(u"\\A[1-9][0-9]{0,7}\\z"_s);
    if (!digits.match(segments.at(at + 1)).hasMatch()) {
        return fail(u"“%1” is not a pull request number in “%2”."_s.arg(segments.at(at + 1), input),
                    u"Use the pull request's address, for example https://github.com/owner/repo/pull/42."_s);
    }
    const int number = segments.at(at + 1).toInt();
    segments = segments.first(at);
    return number;
}

// A URL on github.com or www.github.com: always https://github.com/owner/repo.
std::variant<RepoRef, RepoRefError> gitHubUrl(const QString& input, int port, const QStringList& segments)
{
    if (port > 0)
        return fail(u"“%1” is not a GitHub repository URL."_s.arg(input));
    if (segments.size() < 2) {
        return fail(u"“%1” does not name a GitHub repository."_s.arg(input),
                    u"Use https://github.com/owner/repo."_s);
    }
    // A browser address such as …/owner/repo/tree/main/src still names owner/repo: GitHub
    // repositories always sit exactly two levels down.
    return gitHubRepo(segments.at(0), segments.at(1));
}

// `scheme://authority/path?query#fragment`, split by hand: QUrl's tolerant parser would quietly
// "fix" exactly the things we want to refuse (spaces, user info, odd hosts).
std::variant<RepoRef, RepoRefError> parseUrl(const QString& input, const QString& scheme)
{
    QString rest = input.mid(scheme.size() + 3); // after "://"

    // Query strings and fragments never identify a repository: a fragment is never sent to a server
    // and git appends `/info/refs?service=…` to the URL, so a query would break the request. Browser
    // copies (`…/repo#readme`, `…/repo?tab=readme-ov-file`) are common, so they are dropped, not
    // refused; dropping them also drops any `?private_token=…` before it can reach a log.
    const qsizetype cut = rest.indexOf(QRegularExpression(u"[?#]"_s));
    if (cut >= 0)
        rest.truncate(cut);

    const qsizetype slash = rest.indexOf(u'/');
    const QString authority = slash < 0 ? rest : rest.left(slash);
    const QString path = slash < 0 ? QString() : rest.mid(slash);

    if (authority.contains(u'@')) {
        return fail(u"The URL contains a user name or password."_s,
                    u"Remove the part before “@” from the URL: signing in with GitHub supplies the token, "
                    u"and a password in a URL would end up in git's configuration and logs."_s);
    }
    if (authority.isEmpty())
        return fail(u"The URL “%1” has no host name."_s.arg(input));

    const auto split = authority.startsWith(u'[') ? splitBracketedAuthority(input, authority)
                                                  : splitNamedAuthority(authority);
    if (const auto* error = std::get_if<RepoRefError>(&split))
        return *error;
    const auto& [host, portText] = std::get<HostAndPort>(split);
    const auto parsedPort = parsePort(input, portText, scheme);
    if (const auto* error = std::get_if<RepoRefError>(&parsedPort))
        return *error;
    const int port = std::get<int>(parsedPort);

    if (scheme == u"http" && !isLoopbackHost(host)) {
        return fail(u"Plain http:// is not allowed for “%1”."_s.arg(host),
                    u"Use the https:// address: over http the code (and any token) could be read or changed "
                    u"on the way."_s);
    }

    QStringList segments = path.split(u'/', Qt::SkipEmptyParts);
    const bool gitHub = host == GitHubHost || host == u"www.github.com";
    const auto pullRequest = takePullRequest(input, segments, gitHub);
    if (const auto* error = std::get_if<RepoRefError>(&pullRequest))
        return *error;
    if (auto error = checkRepositoryPath(input, path, segments))
        return *std::move(error);
    auto repository = gitHub ? gitHubUrl(input, port, segments) : makeRemote(scheme, host, port, segments);
    if (auto* ref = std::get_if<RepoRef>(&repository); ref && std::get<int>(pullRequest) > 0)
        return RepoRefBuilder::withPullRequest(std::move(*ref), std::get<int>(pullRequest));
    return repository;
}

// The folder an input names, or an empty string when it does not look like a path.
QString expandHome(const QString& input, RepoRefError* error)
{
    if (input == u"~")
        return QDir::homePath();
    if (input.startsWith(u"~/"))
        return QDir::homePath() + input.mid(1);
    if (input.startsWith(u'~')) {
        *error = fail(u"“%1”: other users' home folders (~name) are not supported."_s.arg(input),
                      u"Type the full path instead."_s);
    }
    return input;
}

bool isGitRepository(const QString& dir)
{
    const QDir d(dir);
    // A work tree has .git (a directory, or a file in worktrees and submodules); a bare repository
    // has HEAD, objects/ and refs/ at its top.
    if (QFileInfo::exists(d.filePath(u".git"_s)))
        return true;
    return QFileInfo(d.filePath(u"HEAD"_s)).isFile() && QFileInfo(d.filePath(u"objects"_s)).isDir() &&
           QFileInfo(d.filePath(u"refs"_s)).isDir();
}

std::variant<RepoRef, RepoRefError> parseLocal(const QString& absolute, const QString& typed)
{
    const QFileInfo info(absolute);
    if (!info.exists()) {
        return fail(u"The folder “%1” does not exist."_s.arg(typed),
                    u"Check the path, or enter a repository URL or owner/repo."_s);
    }
    if (!info.isDir())
        return fail(u"“%1” is a file, not a folder."_s.arg(typed), u"Pick the repository's folder."_s);

    // Symbolic links resolved, so two spellings of one folder become one project.
    QString path = info.canonicalFilePath();
    if (path.isEmpty())
        path = QDir::cleanPath(info.absoluteFilePath());

    if (!isGitRepository(path)) {
        // Inside a repository, but not at its root? Then say which folder to pick.
        QDir up(path);
        while (up.cdUp()) {
            if (QFileInfo::exists(up.filePath(u".git"_s))) {
                return fail(
                    u"“%1” is not a git repository: it is a folder inside the repository at “%2”."_s.arg(
                        typed, up.absolutePath()),
                    u"Pick the repository's root folder, “%1”."_s.arg(up.absolutePath()));
            }
            if (up.isRoot())
                break;
        }
        return fail(u"“%1” is not a git repository."_s.arg(typed),
                    u"Run “git init” there and commit your files, or pick the repository's root folder "
                    u"(the one that contains .git)."_s);
    }

    QString name = QFileInfo(path).fileName();
    if (name.isEmpty())
        name = path; // the file-system root
    return RepoRefBuilder::local(path, name);
}

// What no repository address may be: empty, too long, with characters the user cannot see, or
// looking like an option to git.
std::optional<RepoRefError> refuseUnsafeInput(const QString& input)
{
    if (input.isEmpty()) {
        return fail(u"No repository given."_s,
                    u"Enter a GitHub URL (https://github.com/owner/repo), owner/repo, or a folder on this "
                    u"computer."_s);
    }
    if (input.size() > MaxInputLength) {
        return fail(u"The repository address is too long (%1 characters; at most %2)."_s.arg(input.size())
                        .arg(MaxInputLength),
                    u"Paste only the repository's URL."_s);
    }
    for (const QChar c : input) {
        if (isInvisibleOrControl(c)) {
            const QString code = QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0');
            return fail(
                u"The repository address contains a control or invisible character (U+%1)."_s.arg(code),
                u"Type the address again instead of pasting it."_s);
        }
    }
    if (input.startsWith(u'-')) {
        return fail(u"The repository address starts with “-”, which git would read as an option."_s,
                    u"Enter a URL, owner/repo, or a path (write ./%1 for a folder whose name starts with "
                    u"“-”)."_s.arg(input));
    }
    return std::nullopt;
}

// git's remote-helper syntax `<transport>::<address>`: `ext::` runs an arbitrary command.
std::optional<RepoRefError> refuseRemoteHelper(const QString& lower)
{
    static const QRegularExpression helperRe(u"\\A[a-z][a-z0-9+.-]*::"_s);
    if (!helperRe.match(lower).hasMatch())
        return std::nullopt;
    if (lower.startsWith(u"ext::")) {
        return fail(u"“ext::” addresses are refused: they make git run a command."_s,
                    u"Enter the repository's https URL."_s);
    }
    return fail(u"git remote-helper addresses (“transport::address”) are not supported."_s,
                u"Enter the repository's https URL."_s);
}

// The refusal of an SSH address, with the https URL to use instead when it can be worked out.
RepoRefError sshRefusal(const QString& message, const QString& host, const QString& path)
{
    const QString suggestion = httpsSuggestion(host, path);
    return fail(message, suggestion.isEmpty() ? u"Use the repository's https URL."_s
                                              : u"Use the https URL instead: %1"_s.arg(suggestion));
}

// An input that starts with `scheme://` (`scheme` in lower case; `schemeLength` is the length of
// "scheme://"): only https, and http to this computer, are accepted.
std::variant<RepoRef, RepoRefError> parseSchemeAddress(const QString& input, const QString& scheme,
                                                       qsizetype schemeLength)
{
    if (scheme == u"file") {
        return fail(u"file:// URLs are not supported."_s,
                    u"Enter the folder's path instead, for example ~/code/my-app."_s);
    }
    if (scheme == u"ssh" || scheme == u"git+ssh" || scheme == u"ssh+git") {
        const QString rest = input.mid(schemeLength);
        const qsizetype slash = rest.indexOf(u'/');
        QString host = slash < 0 ? rest : rest.left(slash);
        host = host.mid(host.lastIndexOf(u'@') + 1);
        host = host.left(host.indexOf(u':') < 0 ? host.size() : host.indexOf(u':'));
        return sshRefusal(u"SSH addresses are not supported."_s, host,
                          slash < 0 ? QString() : rest.mid(slash));
    }
    if (scheme == u"git") {
        return fail(u"git:// addresses are not supported: the protocol is unencrypted."_s,
                    u"Enter the repository's https URL."_s);
    }
    if (scheme != u"https" && scheme != u"http") {
        return fail(u"“%1://” addresses are not supported."_s.arg(scheme),
                    u"Use the repository's https URL."_s);
    }
    for (const QChar c : input) {
        if (c.isSpace())
            return fail(u"The URL contains a space."_s, u"Remove the spaces from the URL."_s);
    }
    return parseUrl(scheme + input.mid(scheme.size()), scheme);
}

// scp-like SSH: `git@github.com:owner/repo.git`, `github.com:owner/repo`.
std::optional<RepoRefError> refuseScpAddress(const QString& input)
{
    static const QRegularExpression scpUser(u"\\A[^@/:\\s]+@([^/:\\s]+):(.*)\\z"_s);
    static const QRegularExpression scpHost(u"\\A([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+):([^/].*)\\z"_s);
    auto m = scpUser.match(input);
    if (!m.hasMatch())
        m = scpHost.match(input);
    if (!m.hasMatch())
        return std::nullopt;
    return sshRefusal(u"SSH addresses (host:owner/repo) are not supported."_s, m.captured(1), m.captured(2));
}

// Scheme-less GitHub forms, `github.com/owner/repo` and `owner/repo`, for an input that names no
// folder.
std::variant<RepoRef, RepoRefError> parseGitHubShorthand(const QString& input, const QString& lower)
{
    for (const QChar c : input) {
        if (c.isSpace()) {
            return fail(u"“%1” contains a space and is not an existing folder."_s.arg(input),
                        u"Check the path, or enter a repository URL or owner/repo."_s);
        }
    }
    if (lower.startsWith(u"github.com/") || lower.startsWith(u"www.github.com/"))
        return parseUrl(u"https://"_s + input, u"https"_s);

    const QStringList parts = input.split(u'/');
    // `gіthub.com/owner/repo` with a look-alike letter: give the look-alike warning, not "unknown".
    if (parts.size() >= 2 && parts.at(0).contains(u'.') &&
        std::any_of(parts.at(0).cbegin(), parts.at(0).cend(), [](QChar c) { return c.unicode() > 0x7f; }))
        return parseUrl(u"https://"_s + input, u"https"_s);
    if (parts.size() == 2 && !parts.at(0).isEmpty() && !parts.at(1).isEmpty())
        return gitHubRepo(parts.at(0), parts.at(1));

    if (parts.size() == 1) {
        return fail(u"There is no folder “%1”, and it is not a repository address."_s.arg(input),
                    u"Enter owner/repo, a https URL, or the path of a folder that exists."_s);
    }
    return fail(u"“%1” is neither an existing folder nor a repository address."_s.arg(input),
                u"Enter owner/repo, a https URL (https://host/owner/repo), or an existing folder."_s);
}

} // namespace

std::variant<RepoRef, RepoRefError> RepoRef::parse(const QString& rawInput, const QString& workingDirectory)
{
    // Surrounding blanks are a copy-and-paste artefact (a trailing newline from the clipboard); any
    // other whitespace or control character is refused below.
    const QString input = rawInput.trimmed();
    if (auto error = refuseUnsafeInput(input))
        return *std::move(error);

    const QString lower = input.toLower();
    if (auto error = refuseRemoteHelper(lower))
        return *std::move(error);
    static const QRegularExpression schemeRe(u"\\A([a-z][a-z0-9+.-]*)://"_s);
    if (const auto m = schemeRe.match(lower); m.hasMatch())
        return parseSchemeAddress(input, m.captured(1), m.capturedLength());
    if (auto error = refuseScpAddress(input))
        return *std::move(error);

    // Paths. Explicit path syntax always means a folder; a bare relative name means a folder when one
    // exists (a user who types the name of an existing folder means it; `github.com/owner/repo`
    // still reaches GitHub).
    RepoRefError homeError;
    const QString expanded = expandHome(input, &homeError);
    if (!homeError.message.isEmpty())
        return homeError;
    const bool explicitPath = input.startsWith(u'/') || input.startsWith(u'~') || input == u"." ||
                              input == u".." || input.startsWith(u"./") || input.startsWith(u"../");
    const QString base = workingDirectory.isEmpty() ? QDir::currentPath() : workingDirectory;
    const QString absolute = QDir::cleanPath(QDir(base).absoluteFilePath(expanded));
    if (explicitPath || QFileInfo(absolute).isDir())
        return parseLocal(absolute, input);
    return parseGitHubShorthand(input, lower);
}

QString RepoRef::canonical() const
{
    return m_kind == Kind::LocalPath ? m_localPath : m_url.toString(QUrl::FullyEncoded);
}

QString RepoRef::address() const
{
    return m_pullRequest > 0 ? canonical() + u"/pull/"_s + QString::number(m_pullRequest) : canonical();
}

} // namespace forge
