#pragma once

#include <QString>
#include <QStringList>

namespace forge {

// Removes secrets from text bound for a log, an error message or the terminal: the exact values
// registered at run time first (and their base64 forms, also inside a longer base64 text such as
// `x-access-token:<token>` or an encoded .env file), then token shapes
// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`, Daytona `dtn_` keys), Authorization
// headers, preview tokens and credentials in URLs. Redacting twice changes nothing.
class SecretRedactor final
{
public:
    static constexpr auto Mask = "***";

    void addSecret(const QString& value);
    QString redact(const QString& text) const;

private:
    QStringList m_secrets;
};

} // namespace forge
