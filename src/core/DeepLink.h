#pragma once

#include "RepoRef.h"

#include <QString>
#include <variant>

namespace forge {

// An "Open in Forge Preview" link: forge-preview://open?repo=<https URL | owner/repo>&branch=<name>,
// or …&pr=<number> for a pull request of the repository (then repository.pullRequest() is set; a
// pull request's own address in repo= works too).
// Web pages hand these to the app, so everything in one is hostile until checked: the repository
// goes through RepoRef's validator and must be a remote https repository (a link never opens a folder
// on this computer), the branch must be a valid branch name, and nothing else may be in the link.
// A valid link still only asks: the app shows what it would clone and waits for the user.
struct DeepLink
{
    static constexpr auto Scheme = "forge-preview";

    RepoRef repository;
    QString branch; // empty: the repository's default branch

    static std::variant<DeepLink, RepoRefError> parse(const QString& link);
    // Whether `argument` is meant as a link (its scheme is ours), valid or not.
    static bool looksLikeLink(const QString& argument);
};

} // namespace forge
