#include "GitEnvironment.h"

#include <QHostAddress>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace forge {

namespace {

// Inherited variables that weaken TLS, print credentials, hand git a program to run, point it at
// another repository or inject configuration. Exact names here; prefixes below.
const QStringList& removedVariables()
{
    static const QStringList names{
        u"GIT_SSL_NO_VERIFY"_s, // git treats it as set when merely present, whatever its value
        u"GIT_CURL_VERBOSE"_s,  // dumps request headers, i.e. the Authorization header
        u"GIT_ASKPASS"_s,       // would be asked for credentials after a 401: not ours to answer
        u"SSH_ASKPASS"_s,
        u"GIT_DIR"_s, // repository location: a clone must only ever touch its target directory
        u"GIT_WORK_TREE"_s,
        u"GIT_INDEX_FILE"_s,
        u"GIT_OBJECT_DIRECTORY"_s,
        u"GIT_ALTERNATE_OBJECT_DIRECTORIES"_s,
        u"GIT_COMMON_DIR"_s,
        u"GIT_NAMESPACE"_s,
        u"GIT_SHALLOW_FILE"_s,
        u"GIT_QUARANTINE_PATH"_s,
        u"GIT_CEILING_DIRECTORIES"_s,
        u"GIT_DISCOVERY_ACROSS_FILESYSTEM"_s,
        u"GIT_PROXY_COMMAND"_s, // programs git would run
        u"GIT_EXEC_PATH"_s,
        u"GIT_TEMPLATE_DIR"_s, // templates can install hooks into the new repository
        u"GIT_EDITOR"_s,
        u"GIT_PAGER"_s,
        u"GIT_ALLOW_PROTOCOL"_s, // set below from the URL, never inherited
        u"GIT_PROTOCOL_FROM_USER"_s,
        u"GIT_TERMINAL_PROMPT"_s,
        u"GCM_INTERACTIVE"_s,
        // Where git looks for its "global" config, attributes and ignore files by default; none of
        // them is read (see forClone), and a clone has no business looking there at all.
        u"XDG_CONFIG_HOME"_s,
    };
    return names;
}

const QStringList& removedPrefixes()
{
    static const QStringList prefixes{
        u"GIT_TRACE"_s,  // GIT_TRACE, GIT_TRACE_CURL, GIT_TRACE_PACKET, GIT_TRACE_REDACT=0 (!), ...
        u"GIT_CONFIG"_s, // GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS, GIT_CONFIG_SYSTEM...
        u"GIT_SSH"_s,    // GIT_SSH, GIT_SSH_COMMAND, GIT_SSH_VARIANT
    };
    return prefixes;
}

bool isLoopbackHost(const QString& host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool isLocalFileUrl(const QUrl& url)
{
    // A file URL with a host (file://server/share) names another machine; only a plain absolute
    // path on this one counts as "a repository the user chose on their own machine".
    return url.scheme() == u"file"_s && url.host().isEmpty() && url.path().startsWith(u'/');
}

int defaultPort(const QString& scheme)
{
    if (scheme == u"https"_s)
        return 443;
    if (scheme == u"http"_s)
        return 80;
    return -1;
}

// `<scheme>://<host>[:<port>]/` in the form git's urlmatch compares against: lower-case host in
// ASCII (punycode) form, IPv6 literals in brackets, no default port, path "/" so every path of
// that origin matches and nothing of any other origin does.
QString originKey(const QUrl& url)
{
    const QString host = url.host(QUrl::FullyEncoded).toLower();
    QString origin = url.scheme() + u"://"_s;
    origin += host.contains(u':') ? u'[' + host + u']' : host;
    const int port = url.port();
    if (port != -1 && port != defaultPort(url.scheme()))
        origin += u':' + QString::number(port);
    return origin + u'/';
}

} // namespace

QProcessEnvironment GitEnvironment::forClone(const QProcessEnvironment& base, const QUrl& url,
                                             const QString& authToken)
{
    QProcessEnvironment env = base;
    const QStringList keys = base.keys();
    for (const QString& key : keys) {
        bool remove = removedVariables().contains(key);
        for (const QString& prefix : removedPrefixes())
            remove = remove || key.startsWith(prefix);
        if (remove)
            env.remove(key);
    }

    const bool localFile = isLocalFileUrl(url);
    const bool loopbackHttp = url.scheme() == u"http"_s && isLoopbackHost(url.host());

    env.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    env.insert(u"GCM_INTERACTIVE"_s, u"never"_s);
    // Also limits what redirects and submodules may switch to; ext:: (runs a command), ssh and
    // git:// are never listed.
    QStringList protocols{u"https"_s};
    if (loopbackHttp)
        protocols << u"http"_s;
    if (localFile)
        protocols << u"file"_s;
    env.insert(u"GIT_ALLOW_PROTOCOL"_s, protocols.join(u':'));
    // No configuration file is read at all, only the entries below. The system file belongs to
    // whoever administers the machine. The "global" files ($HOME/.gitconfig, $XDG_CONFIG_HOME/git/
    // config) are worse: for a local sandbox HOME is the sandbox home, which outlives a run and
    // which the repository's own scripts write, so a planted `http.proxy` received the next clone's
    // token, and a URL-specific `http.<url>.sslVerify=false` beat the generic override below
    // (issue 16; tests/e2e/tst_hostilegitconfig.cpp). The user's own ~/.gitconfig is not read either
    // (README, Credentials): proxies come from the environment, as curl reads them
    // (proxyVariables). GIT_CONFIG_GLOBAL needs git 2.32; older git ignores it, which is one reason
    // the clone also gets an empty home of its own (LocalProvider::cloneRepository).
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"GIT_CONFIG_GLOBAL"_s, u"/dev/null"_s);

    // Runtime configuration through the environment: it has command-line precedence over every
    // config file and is never written to the new repository's .git/config.
    std::vector<std::pair<QString, QString>> config{
        {u"transfer.credentialsInUrl"_s, u"die"_s},
        {u"protocol.file.allow"_s, localFile ? u"always"_s : u"never"_s},
        {u"protocol.ext.allow"_s, u"never"_s},
        // A user's ~/.gitconfig may have turned verification off for some host; a preview clone
        // never runs with it off.
        {u"http.sslVerify"_s, u"true"_s},
        // An empty value empties the helper list: git must not ask the user's helpers (or store
        // into them) on our behalf; the token below is the only credential this clone uses.
        {u"credential.helper"_s, QString()},
        // No hook of any kind runs while untrusted content is checked out (templates from the
        // user's init.templateDir would otherwise still install and run post-checkout).
        {u"core.hooksPath"_s, u"/dev/null"_s},
        // Without a global config git still reads $XDG_CONFIG_HOME/git/attributes (or
        // ~/.config/git/...) by default, and attributes decide how checked-out files are converted.
        {u"core.attributesFile"_s, u"/dev/null"_s},
        {u"core.excludesFile"_s, u"/dev/null"_s},
        {u"submodule.recurse"_s, u"false"_s},
    };
    if (!authToken.isEmpty() && !localFile && !url.host().isEmpty()) {
        // The form actions/checkout uses. Keyed to exactly this repository's origin, so submodules
        // or other remotes on another host never get it.
        const QByteArray credentials = "x-access-token:" + authToken.toUtf8();
        config.emplace_back(u"http."_s + originKey(url) + u".extraheader"_s,
                            u"AUTHORIZATION: basic "_s + QString::fromLatin1(credentials.toBase64()));
        // git matches the extraheader key against the URL it was given, once, and then sends the
        // header with every request of the clone - including the upload-pack POSTs that go to
        // wherever the first response redirected it (curl only strips the header from the
        // redirected GET itself). tst_githttpserver showed the token reaching a second origin that
        // way, so a clone that carries a token follows no redirect at all; it fails with the
        // redirect status instead. (Renamed repositories are the cost: their old address
        // redirects, and the app takes current addresses from the API anyway.)
        config.emplace_back(u"http.followRedirects"_s, u"false"_s);
    }
    env.insert(u"GIT_CONFIG_COUNT"_s, QString::number(config.size()));
    for (std::size_t i = 0; i < config.size(); ++i) {
        env.insert(u"GIT_CONFIG_KEY_"_s + QString::number(i), config[i].first);
        env.insert(u"GIT_CONFIG_VALUE_"_s + QString::number(i), config[i].second);
    }
    return env;
}

QProcessEnvironment GitEnvironment::proxyVariables(const QProcessEnvironment& user)
{
    // Exactly the names curl (and git's http.c, which reads the same ones to set up proxy
    // authentication) takes a proxy from: `<scheme>_proxy` in lower case, its upper-case form except
    // for http (HTTP_PROXY is ignored on purpose: CGI programs get a request's "Proxy:" header as
    // HTTP_PROXY, "httpoxy"), then all_proxy/ALL_PROXY; no_proxy/NO_PROXY for the exceptions.
    static const QStringList names{
        u"http_proxy"_s, u"https_proxy"_s, u"HTTPS_PROXY"_s, u"all_proxy"_s,
        u"ALL_PROXY"_s,  u"no_proxy"_s,    u"NO_PROXY"_s,
    };
    QProcessEnvironment proxies;
    for (const QString& name : names) {
        if (user.contains(name))
            proxies.insert(name, user.value(name));
    }
    return proxies;
}

QStringList GitEnvironment::cloneArguments(const QUrl& url, const QString& branch, int depth,
                                           const QString& target)
{
    // Tags are kept: a shallow single-branch clone only follows tags that point at fetched commits,
    // which costs nothing and lets `git describe`-based version scripts work.
    QStringList args{u"clone"_s, u"--progress"_s, u"--single-branch"_s, u"--no-recurse-submodules"_s};
    if (depth > 0)
        args << u"--depth"_s << QString::number(depth);
    if (!branch.isEmpty())
        // Attached form: a branch name can never be read as another option.
        args << (u"--branch="_s + branch);
    args << u"--"_s << url.toString(QUrl::FullyEncoded);
    if (!target.isEmpty())
        args << target;
    return args;
}

QList<QStringList> GitEnvironment::pullRequestArguments(const QUrl& url, int number, int depth,
                                                        const QString& target)
{
    const QString folder = target.isEmpty() ? u"."_s : target;
    const QString tracking = u"refs/remotes/origin/pull/%1"_s.arg(number);
    QStringList fetch{u"-C"_s,         folder,         u"fetch"_s,
                      u"--progress"_s, u"--no-tags"_s, u"--no-recurse-submodules"_s};
    if (depth > 0)
        fetch << u"--depth"_s << QString::number(depth);
    fetch << u"origin"_s << u"+refs/pull/%1/head:%2"_s.arg(number).arg(tracking);
    return {
        {u"-c"_s, u"init.defaultBranch=main"_s, u"init"_s, u"--quiet"_s, u"--"_s, folder},
        {u"-C"_s, folder, u"remote"_s, u"add"_s, u"origin"_s, u"--"_s, url.toString(QUrl::FullyEncoded)},
        fetch,
        {u"-C"_s, folder, u"checkout"_s, u"--quiet"_s, u"-B"_s, u"pull/%1"_s.arg(number), tracking},
    };
}

QList<QStringList> GitEnvironment::checkoutArguments(const QUrl& url, const QString& branch, int pullRequest,
                                                     int depth, const QString& target)
{
    if (pullRequest > 0)
        return pullRequestArguments(url, pullRequest, depth, target);
    return {cloneArguments(url, branch, depth, target)};
}

bool GitEnvironment::isAllowedUrl(const QUrl& url, QString* reason)
{
    const auto refuse = [reason](const QString& why) {
        if (reason)
            *reason = why;
        return false;
    };
    const QString text = url.toString(QUrl::FullyEncoded);
    if (url.isEmpty())
        return refuse(u"No repository address was given. Enter an https:// address."_s);
    if (text.startsWith(u'-'))
        return refuse(u"The repository address starts with '-', which git would read as an option. "
                      "Enter an https:// address."_s);
    if (!url.isValid())
        // Not url.errorString(): it quotes the whole address, credentials included.
        return refuse(
            u"The repository address is not a valid URL. Enter it as https://host/owner/repository."_s);
    const QString scheme = url.scheme().toLower();
    if (scheme.isEmpty())
        return refuse(u"The repository address has no scheme. Enter it as https://host/owner/repository."_s);
    if (scheme == u"ext"_s)
        return refuse(u"ext:: addresses make git run a program; they are never allowed. "
                      "Enter an https:// address."_s);
    if (scheme == u"ssh"_s || scheme == u"git+ssh"_s || scheme == u"ssh+git"_s)
        return refuse(u"SSH addresses are not supported. Use the repository's https:// address instead."_s);
    if (scheme == u"git"_s)
        return refuse(u"git:// addresses are unencrypted and unauthenticated. "
                      "Use the repository's https:// address instead."_s);
    if (!url.userInfo().isEmpty())
        return refuse(u"The repository address contains a user name or password. Remove it and sign in "
                      "instead: credentials in an address end up in process lists and .git/config."_s);
    if (scheme == u"file"_s) {
        if (!url.host().isEmpty())
            return refuse(u"File addresses on another machine (file://%1/...) are not supported. "
                          "Choose a folder on this computer."_s.arg(url.host()));
        if (!isLocalFileUrl(url))
            return refuse(u"A local repository needs an absolute path (file:///path/to/repository)."_s);
        return true;
    }
    if (scheme != u"https"_s && scheme != u"http"_s)
        return refuse(u"'%1:' addresses are not supported. Enter an https:// address."_s.arg(scheme));
    const QString host = url.host();
    if (host.isEmpty())
        return refuse(
            u"The repository address has no host name. Enter it as https://host/owner/repository."_s);
    if (host.startsWith(u'-'))
        return refuse(u"The host name starts with '-', which is not a valid host name."_s);
    if (scheme == u"http"_s && !isLoopbackHost(host))
        return refuse(u"Plain http:// sends code and credentials unencrypted; it is only allowed for this "
                      "computer (127.0.0.1, localhost). Use the https:// address instead."_s);
    return true;
}

} // namespace forge
