#include "error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "engine_types.h"

namespace tidemark::ui {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_label(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_label->setTextFormat(Qt::PlainText);
    auto *close = new QToolButton(this);
    close->setText(tr("Dismiss"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, &ErrorBanner::clear);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void ErrorBanner::showError(const QString &what, const EngineError &error)
{
    QString text = what.isEmpty() ? error.message : tr("%1: %2").arg(what, error.message);
    if (!error.hint.isEmpty())
        text += QLatin1Char('\n') + tr("What to do: %1").arg(error.hint);
    showMessage(text, true);
}

void ErrorBanner::showMessage(const QString &text, bool isError)
{
    m_label->setText(text);
    QPalette pal = palette();
    // Tinted from the system palette so it reads on light and dark themes.
    const QColor base = pal.color(QPalette::Window);
    const QColor tint = isError ? QColor(200, 40, 40) : QColor(40, 120, 200);
    QColor mixed = QColor::fromRgbF(base.redF() * 0.8f + tint.redF() * 0.2f, base.greenF() * 0.8f + tint.greenF() * 0.2f,
                                    base.blueF() * 0.8f + tint.blueF() * 0.2f);
    pal.setColor(QPalette::Window, mixed);
    setPalette(pal);
    setAutoFillBackground(true);
    setAccessibleName(isError ? tr("Error") : tr("Message"));
    show();
}

void ErrorBanner::clear()
{
    m_label->clear();
    hide();
}

QString ErrorBanner::text() const { return m_label->text(); }

} // namespace tidemark::ui
