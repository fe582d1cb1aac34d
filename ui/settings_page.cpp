#include "settings_page.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

#include "engine_client.h"
#include "error_banner.h"

namespace tidemark::ui {

namespace {
constexpr double kMiB = 1024.0 * 1024.0;

QDoubleSpinBox *doubleBox(QWidget *parent, double min, double max, int decimals, const QString &suffix)
{
    auto *b = new QDoubleSpinBox(parent);
    b->setRange(min, max);
    b->setDecimals(decimals);
    b->setSuffix(suffix);
    return b;
}
} // namespace

SettingsPage::SettingsPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_message(new ErrorBanner(this))
    , m_high(doubleBox(this, 0, 100, 1, QString()))
    , m_low(doubleBox(this, 0, 100, 1, QString()))
    , m_targetMin(doubleBox(this, 0.01, 1e7, 2, tr(" MiB")))
    , m_targetMax(doubleBox(this, 0.01, 1e7, 2, tr(" MiB")))
    , m_splitMin(doubleBox(this, 0.01, 1e7, 2, tr(" MiB")))
    , m_sampling(new QSpinBox(this))
    , m_halfLife(new QSpinBox(this))
    , m_cooldown(doubleBox(this, 0, 24 * 365, 2, tr(" h")))
    , m_backupInterval(doubleBox(this, 0.01, 24 * 365, 2, tr(" h")))
    , m_readWeight(doubleBox(this, 0, 1, 2, QString()))
    , m_save(new QPushButton(tr("&Save"), this))
    , m_revert(new QPushButton(tr("Re&vert"), this))
{
    setObjectName(QStringLiteral("settingsPage"));
    m_sampling->setRange(1, 86400);
    m_sampling->setSuffix(tr(" s"));
    m_halfLife->setRange(1, 30 * 86400);
    m_halfLife->setSuffix(tr(" s"));
    m_save->setToolTip(tr("Save these settings for the connection (Ctrl+S)"));

    auto *inner = new QWidget(this);
    auto *form = new QFormLayout(inner);
    addRow(form, tr("Split above score:"), m_high,
           tr("A partition whose volatility score stays above this is split so its hot key range becomes a small "
              "partition of its own."));
    addRow(form, tr("Merge below score:"), m_low,
           tr("Neighbouring partitions whose scores stay below this are merged into larger, static ones. The gap "
              "between the two thresholds keeps a partition from flapping between split and merge."));
    addRow(form, tr("Target size, smallest:"), m_targetMin,
           tr("Merged partitions aim for at least this size."));
    addRow(form, tr("Target size, largest:"), m_targetMax,
           tr("No merge creates a partition larger than this."));
    addRow(form, tr("Split only from:"), m_splitMin,
           tr("Partitions smaller than this are never split: the rewrite would cost more than the backup saves."));
    addRow(form, tr("Sampling interval:"), m_sampling,
           tr("How often activity counters are read. The heatmap rescans at this interval."));
    addRow(form, tr("Score half-life:"), m_halfLife,
           tr("How quickly old activity fades from the score: after one half-life a burst of writes counts half."));
    addRow(form, tr("Cool-down:"), m_cooldown,
           tr("A partition Tidemark created is left alone this long before it may be split or merged again."));
    addRow(form, tr("Backup interval:"), m_backupInterval,
           tr("Time between backups; a partition written within it is copied by the next incremental backup."));
    addRow(form, tr("Weight of reads:"), m_readWeight,
           tr("Share of the score that reads may carry (0 to 1). Backups copy what was written, so reads weigh "
              "little by default."));
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(inner);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(scroll, 1);
    layout->addLayout(buttons);

    connect(m_save, &QPushButton::clicked, this, &SettingsPage::save);
    connect(m_revert, &QPushButton::clicked, this, &SettingsPage::revert);
    connect(client, &EngineClient::settingsLoaded, this,
            [this](const QString &uri, const tidemark::ConnectionSettings &s) {
                if (uri == m_uri) {
                    m_loaded = s;
                    showSettings(s);
                }
            });
    connect(client, &EngineClient::settingsSaved, this, [this](const QString &uri) {
        if (uri != m_uri)
            return;
        m_loaded = edited();
        m_message->showMessage(tr("Saved. The next scan and plan use these settings."), false);
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Settings)
            m_message->showError(tr("Settings"), error);
    });
    setEnabled(false);
}

void SettingsPage::addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &explanation)
{
    auto *text = new QLabel(explanation, this);
    text->setWordWrap(true);
    QPalette pal = text->palette();
    pal.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
    text->setPalette(pal);
    field->setToolTip(explanation);
    field->setAccessibleDescription(explanation);
    auto *box = new QWidget(this);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 6);
    v->addWidget(field, 0, Qt::AlignLeft);
    v->addWidget(text);
    auto *l = new QLabel(label, this);
    l->setBuddy(field);
    form->addRow(l, box);
}

void SettingsPage::setConnection(const QString &uri)
{
    m_uri = uri;
    m_message->clear();
    setEnabled(!uri.isEmpty());
    if (!uri.isEmpty())
        m_client->loadSettings(uri);
}

void SettingsPage::showSettings(const tidemark::ConnectionSettings &s)
{
    m_high->setValue(s.highThreshold);
    m_low->setValue(s.lowThreshold);
    m_targetMin->setValue(double(s.targetMinBytes) / kMiB);
    m_targetMax->setValue(double(s.targetMaxBytes) / kMiB);
    m_splitMin->setValue(double(s.splitMinBytes) / kMiB);
    m_sampling->setValue(static_cast<int>(s.samplingIntervalSeconds));
    m_halfLife->setValue(static_cast<int>(s.halfLifeSeconds));
    m_cooldown->setValue(double(s.cooldownSeconds) / 3600.0);
    m_backupInterval->setValue(double(s.backupIntervalSeconds) / 3600.0);
    m_readWeight->setValue(s.readWeight);
}

tidemark::ConnectionSettings SettingsPage::edited() const
{
    tidemark::ConnectionSettings s = m_loaded;
    s.highThreshold = m_high->value();
    s.lowThreshold = m_low->value();
    s.targetMinBytes = std::llround(m_targetMin->value() * kMiB);
    s.targetMaxBytes = std::llround(m_targetMax->value() * kMiB);
    s.splitMinBytes = std::llround(m_splitMin->value() * kMiB);
    s.samplingIntervalSeconds = m_sampling->value();
    s.halfLifeSeconds = m_halfLife->value();
    s.cooldownSeconds = std::llround(m_cooldown->value() * 3600.0);
    s.backupIntervalSeconds = std::max<std::int64_t>(1, std::llround(m_backupInterval->value() * 3600.0));
    s.readWeight = m_readWeight->value();
    return s;
}

QString SettingsPage::validate(const tidemark::ConnectionSettings &s) const
{
    if (s.lowThreshold >= s.highThreshold)
        return tr("The merge threshold must be below the split threshold; the gap between them keeps partitions "
                  "from flapping.");
    if (s.targetMinBytes > s.targetMaxBytes)
        return tr("The smallest target size must not exceed the largest.");
    return {};
}

void SettingsPage::save()
{
    const auto s = edited();
    if (const QString problem = validate(s); !problem.isEmpty()) {
        m_message->showMessage(problem, true);
        return;
    }
    m_message->clear();
    m_client->saveSettings(m_uri, s);
}

void SettingsPage::revert()
{
    showSettings(m_loaded);
    m_message->clear();
}

} // namespace tidemark::ui
