#pragma once

#include <QString>

namespace forge {

// What a clone may carry: `token` when the repository is on the host the token belongs to, empty
// otherwise; `problem` says why a token that should be there could not be had (a locked keychain),
// so the user learns why a private clone is refused.
struct CloneCredentials
{
    QString token;
    QString problem;
};

} // namespace forge
