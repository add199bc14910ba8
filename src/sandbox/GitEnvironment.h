#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace forge {

// The environment and arguments for running git on untrusted input without leaking credentials
// (docs/security-notes.md §1d): the token travels only as an `http.<origin>/.extraheader` entry of
// GIT_CONFIG_COUNT, scoped to the repository's own origin, never in argv, a URL or .git/config;
// protocols are limited to https (http only for loopback, file only for an explicit local
// repository); prompts are off; inherited GIT_* debugging and TLS-weakening variables are removed;
// and no git configuration file is read, neither the system's nor any in HOME.
class GitEnvironment final
{
public:
    // Environment for a git child process, built from `base` (usually the caller's environment).
    // Proxies are whatever proxy variables `base` carries (see proxyVariables).
    static QProcessEnvironment forClone(const QProcessEnvironment& base, const QUrl& url,
                                        const QString& authToken);
    // The proxy variables of `user` (usually QProcessEnvironment::systemEnvironment()) that curl
    // reads, for a clone whose base environment is built from scratch. Their values can hold proxy
    // credentials: they belong in a child's environment, never in argv (bwrap's --setenv is argv).
    static QProcessEnvironment proxyVariables(const QProcessEnvironment& user);
    // `git clone` arguments (without the program name), with `--` before the URL.
    static QStringList cloneArguments(const QUrl& url, const QString& branch, int depth,
                                      const QString& target);
    // The git invocations (each without the program name) that put the head of pull request
    // `number` of the repository at `url` into `target`, which must be empty: git clone cannot
    // check out a ref outside refs/heads and refs/tags (before git 2.49's --revision), so the
    // repository is made with init, given `url` as its origin, and the one ref fetched and checked
    // out as the branch `pull/<number>`. The token reaches fetch as it reaches clone (forClone()).
    static QList<QStringList> pullRequestArguments(const QUrl& url, int number, int depth,
                                                   const QString& target);
    // cloneArguments() or pullRequestArguments(), for `spec`-like inputs: what a clone runs, in order.
    static QList<QStringList> checkoutArguments(const QUrl& url, const QString& branch, int pullRequest,
                                                int depth, const QString& target);
    // Whether `url` may be cloned at all; when not, `reason` says why in words for the user.
    static bool isAllowedUrl(const QUrl& url, QString* reason = nullptr);
};

} // namespace forge
