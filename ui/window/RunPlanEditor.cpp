#include "RunPlanEditor.h"

#include "CommandLineText.h"
#include "ToolchainText.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace forge::ui {

namespace {

constexpr PackageManager AllPackageManagers[] = {PackageManager::None,      PackageManager::Npm,
                                                 PackageManager::Pnpm,      PackageManager::YarnClassic,
                                                 PackageManager::YarnBerry, PackageManager::Bun};
constexpr Framework AllFrameworks[] = {Framework::StaticHtml,    Framework::NodeServer, Framework::NextJs,
                                       Framework::Vite,          Framework::VueCli,     Framework::Nuxt,
                                       Framework::Astro,         Framework::SvelteKit,  Framework::Angular,
                                       Framework::CreateReactApp};

QLineEdit* commandField(const QString& placeholder)
{
    auto* field = new QLineEdit;
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    QFont mono(u"monospace"_s);
    mono.setStyleHint(QFont::Monospace);
    field->setFont(mono);
    return field;
}

} // namespace

RunPlanEditor::RunPlanEditor(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_placeholder = new QLabel(this);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_placeholder->setText(tr("The run plan appears once the repository has been cloned and examined."));
    layout->addWidget(m_placeholder);

    m_form = new QWidget(this);
    auto* form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    m_packageManager = new QComboBox;
    for (PackageManager pm : AllPackageManagers)
        m_packageManager->addItem(displayName(pm), int(pm));
    m_framework = new QComboBox;
    for (Framework framework : AllFrameworks)
        m_framework->addItem(displayName(framework), int(framework));
    m_directory = new QLineEdit;
    m_directory->setPlaceholderText(tr("repository root"));
    m_install = commandField(tr("nothing to install"));
    m_build = commandField(tr("no build step"));
    m_dev = commandField(tr("e.g. npm run dev -- --host 0.0.0.0 --port ${PORT}"));
    m_start = commandField(tr("e.g. npm start"));
    m_install->setObjectName(u"planInstallCommand"_s);
    m_build->setObjectName(u"planBuildCommand"_s);
    m_dev->setObjectName(u"planDevCommand"_s);
    m_start->setObjectName(u"planStartCommand"_s);
    m_port = new QSpinBox;
    m_port->setRange(1, 65535);
    m_port->setToolTip(tr("The port the framework uses by default; the preview picks a free one and "
                          "passes it where a command says ${PORT}."));
    m_toolchain = new QLabel;
    m_toolchain->setObjectName(u"planToolchain"_s);
    m_toolchain->setWordWrap(true);
    m_toolchain->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_toolchain->setToolTip(tr("The Node.js and package manager of the run: what the repository asks "
                               "for, then the versions chosen (from the tool cache, else downloaded from "
                               "the npm registry)"));
    m_notes = new QLabel;
    m_notes->setWordWrap(true);
    m_notes->setForegroundRole(QPalette::PlaceholderText);

    form->addRow(tr("Toolchain:"), m_toolchain);
    form->addRow(tr("Package &manager:"), m_packageManager);
    form->addRow(tr("&Framework:"), m_framework);
    form->addRow(tr("F&older:"), m_directory);
    form->addRow(tr("&Install:"), m_install);
    form->addRow(tr("&Build:"), m_build);
    form->addRow(tr("&Dev server:"), m_dev);
    form->addRow(tr("&Start (production):"), m_start);
    form->addRow(tr("Default &port:"), m_port);
    form->addRow(m_notes);
    layout->addWidget(m_form);
    layout->addStretch();
    m_form->hide();

    for (QLineEdit* field : {m_directory, m_install, m_build, m_dev, m_start})
        connect(field, &QLineEdit::textEdited, this, &RunPlanEditor::markEdited);
    connect(m_packageManager, &QComboBox::activated, this, &RunPlanEditor::markEdited);
    connect(m_packageManager, &QComboBox::activated, this, &RunPlanEditor::showToolchain);
    connect(m_framework, &QComboBox::activated, this, &RunPlanEditor::markEdited);
    connect(m_port, &QSpinBox::valueChanged, this, [this] {
        if (!m_loading)
            markEdited();
    });
}

void RunPlanEditor::setPlaceholderText(const QString& text)
{
    m_placeholder->setText(text);
}

void RunPlanEditor::setPlan(const std::optional<RunPlan>& plan)
{
    m_base = plan;
    m_modified = false;
    m_placeholder->setVisible(!plan);
    m_form->setVisible(plan.has_value());
    if (!plan)
        return;
    m_loading = true;
    m_packageManager->setCurrentIndex(m_packageManager->findData(int(plan->packageManager)));
    m_framework->setCurrentIndex(m_framework->findData(int(plan->framework)));
    m_directory->setText(plan->projectDirectory);
    m_install->setText(joinCommand(plan->installCommand));
    m_build->setText(joinCommand(plan->buildCommand));
    m_dev->setText(joinCommand(plan->devCommand));
    m_start->setText(joinCommand(plan->startCommand));
    m_port->setValue(plan->expectedPort);
    // The Node.js version asked for is on the toolchain line.
    m_notes->setText(plan->notes.join(u'\n'));
    m_notes->setVisible(!plan->notes.isEmpty());
    m_loading = false;
    showToolchain();
}

void RunPlanEditor::setToolchain(const std::optional<ToolchainChoice>& toolchain)
{
    m_chosenToolchain = toolchain;
    showToolchain();
}

QString RunPlanEditor::toolchainText() const
{
    return m_toolchain->text();
}

void RunPlanEditor::showToolchain()
{
    // The edited plan: another package manager chosen here is what the next run asks for.
    const std::optional<RunPlan> edited = plan();
    m_toolchain->setText(edited ? ui::toolchainText(*edited, m_chosenToolchain) : QString());
}

std::optional<RunPlan> RunPlanEditor::plan() const
{
    if (!m_base)
        return std::nullopt;
    RunPlan plan = *m_base;
    plan.packageManager = PackageManager(m_packageManager->currentData().toInt());
    plan.framework = Framework(m_framework->currentData().toInt());
    plan.projectDirectory = m_directory->text().trimmed();
    const QStringList install = splitCommand(m_install->text());
    if (install != plan.installCommand) {
        // An install command the user wrote replaces the detected pair (frozen + fallback).
        plan.installCommand = install;
        plan.installFallbackCommand.clear();
    }
    plan.buildCommand = splitCommand(m_build->text());
    plan.devCommand = splitCommand(m_dev->text());
    plan.startCommand = splitCommand(m_start->text());
    plan.expectedPort = m_port->value();
    return plan;
}

void RunPlanEditor::setModified(bool modified)
{
    m_modified = modified;
}

QString RunPlanEditor::problem(RunMode mode) const
{
    const std::optional<RunPlan> edited = plan();
    if (!edited)
        return {};
    if (mode == RunMode::Dev && edited->devCommand.isEmpty())
        return tr("The dev server command is empty; dev mode needs one.");
    if (mode == RunMode::Production && edited->startCommand.isEmpty() && edited->devCommand.isEmpty())
        return tr("Production mode needs a start command.");
    if (edited->projectDirectory.contains(u".."_s) || edited->projectDirectory.startsWith(u'/'))
        return tr("The folder must be inside the repository (a relative path without \"..\").");
    return {};
}

void RunPlanEditor::markEdited()
{
    if (m_loading)
        return;
    m_modified = true;
    Q_EMIT edited();
}

} // namespace forge::ui
