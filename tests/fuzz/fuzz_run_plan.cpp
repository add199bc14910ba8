// Run-plan detection from a repository's package.json, lockfiles and workspace files (packed as in
// FuzzInput.h). Detection must answer every input with a plan or an error, never crash, and a plan
// it makes must survive being saved and read back (the project list stores it as JSON).

#include "FuzzInput.h"
#include "core/ProjectSnapshot.h"
#include "core/RunPlanDetector.h"

#include <QJsonDocument>

using namespace forge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    ProjectSnapshot snapshot;
    for (const auto& [path, content] : fuzz::unpackFiles(input)) {
        const QString name = QString::fromUtf8(path);
        if (content == "<unreadable>")
            snapshot.addUnreadableFile(name);
        else
            snapshot.addFile(name, content);
    }
    const QStringList patterns = snapshot.workspacePatterns();
    for (const QString& pattern : patterns)
        fuzz::check(!pattern.contains(u".."), "a workspace pattern climbs out of the repository");

    const auto result = RunPlanDetector::detect(snapshot);
    if (const auto* error = std::get_if<DetectionError>(&result)) {
        fuzz::check(!error->message.isEmpty(), "a detection error without a message");
        return 0;
    }
    const RunPlan& plan = std::get<RunPlan>(result);
    fuzz::check(!plan.devCommand.isEmpty() || !plan.startCommand.isEmpty(), "a plan that runs nothing");
    fuzz::check(!plan.projectDirectory.startsWith(u'/') && !plan.projectDirectory.split(u'/').contains(u".."),
                "a project directory outside the repository");
    fuzz::check(plan.expectedPort > 0 && plan.expectedPort < 65536, "an expected port out of range");
    (void)plan.summary();
    (void)plan.withPort(4321);

    // Saved to the database as JSON text and read back at the next start.
    const QByteArray saved = QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact);
    QString why;
    const auto reread = RunPlan::fromJson(QJsonDocument::fromJson(saved).object(), &why);
    fuzz::check(reread.has_value(), "a detected plan cannot be read back");
    fuzz::check(QJsonDocument(reread->toJson()).toJson(QJsonDocument::Compact) == saved,
                "a detected plan changes when saved and read back");
    return 0;
}
