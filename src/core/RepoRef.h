#pragma once

#include <QString>
#include <QUrl>
#include <variant>

namespace forge {

// Why an input was refused, in words a user can act on.
struct RepoRefError
{
    QString message;
    QString advice;

    // The message followed by the advice (when there is one), joined by `separator`.
    QString explanation(const QString& separator = QStringLiteral(" ")) const
    {
        return advice.isEmpty() ? message : message + separator + advice;
    }
};

// A repository the user wants to preview: a remote https git URL or a git repository on this
// machine. Parsing validates everything that later reaches git, so hostile input
// (`--upload-pack=…`, `ext::`, `file://`, credentials in the URL, control characters) is refused
// before any process starts.
class RepoRef final
{
public:
    enum class Kind { RemoteUrl, LocalPath };

    // `input` is what the user typed; relative paths resolve against `workingDirectory`.
    static std::variant<RepoRef, RepoRefError> parse(const QString& input, const QString& workingDirectory);

    Kind kind() const { return m_kind; }
    bool isRemote() const { return m_kind == Kind::RemoteUrl; }
    // Remote: the normalised URL (no credentials, no fragment). Local: a file URL of the path.
    const QUrl& url() const { return m_url; }
    // Local only: the absolute, cleaned path of the repository's work tree (or bare directory).
    const QString& localPath() const { return m_localPath; }
    // Short human name: `owner/repo` for hosted repositories, the folder name for local ones.
    const QString& displayName() const { return m_displayName; }
    // The canonical text used for identity (project ids): the URL or the absolute path.
    QString canonical() const;
    // The pull request the input named (`https://github.com/o/r/pull/42`, also with `/files`,
    // `/commits`… after it); 0 when it named the repository alone. The repository is the pull
    // request's base repository either way (issue 21).
    int pullRequest() const { return m_pullRequest; }
    // What parses back to this reference: canonical(), with `/pull/<number>` after it for a pull
    // request (kept with a project, and its identity).
    QString address() const;
    // The largest pull request number accepted (GitHub's are far below it).
    static constexpr int MaxPullRequest = 99'999'999;

private:
    // The parser's helper that fills in a validated RepoRef (RepoRef.cpp).
    friend struct RepoRefBuilder;

    Kind m_kind = Kind::RemoteUrl;
    QUrl m_url;
    QString m_localPath;
    QString m_displayName;
    int m_pullRequest = 0;
};

} // namespace forge
