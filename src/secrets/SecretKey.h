#pragma once

#include <QString>

namespace forge {

// ProjectSecret: a project variable marked secret (core/ProjectEnvironment.h); `host` holds the
// project's id and `account` the variable's name.
enum class SecretKind { GitHubToken, DaytonaApiKey, ProjectSecret };

// Which secret: one per kind, host and account, so two GitHub hosts or two accounts on one host
// never overwrite each other. Rendered to a stable QtKeychain key under the service "forge-preview".
struct SecretKey
{
    SecretKind kind = SecretKind::GitHubToken;
    QString host;
    QString account;

    static constexpr auto Service = "forge-preview";

    // "github-token/github.com/octocat": the host is lower-cased, host and account percent-encoded,
    // so no two different keys render to the same string.
    QString toKeychainKey() const;
    // A description for messages, e.g. "the GitHub token for octocat on github.com".
    QString describe() const;

    // The keychain entry of project variable `name` of project `projectId`.
    static SecretKey projectSecret(const QString& projectId, const QString& name);

    friend bool operator==(const SecretKey&, const SecretKey&) = default;
};

} // namespace forge
