# Exports the economic time series shipped with R's AER package (Debian
# r-cran-aer) as a second, independent benchmark set: aer_*.csv in the format
# of docs/forecasting.md ("Benchmark"). These series played no part in
# choosing Tidemark's models or the combination, so they confirm (or not) the
# margins measured on bench/forecast/series.
# Run: Rscript bench/forecast/export_aer_series.R OUT_DIR
suppressMessages(library(AER))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "aer-series"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

horizon <- function(m) if (m == 12) 18 else if (m == 4) 8 else if (m == 1) 6 else 13
# Monthly series keep their last 20 years, weekly ones their last 6 (the
# length of typical business series, as in the M3 competition).
keep <- function(m) if (m == 12) 240 else if (m >= 13) 6 * m else Inf

count <- 0
items <- data(package = "AER")$results[, "Item"]
for (nm in items) {
  e <- new.env()
  data(list = nm, package = "AER", envir = e)
  x <- get(nm, envir = e)
  if (!is.ts(x)) next
  m <- frequency(x)
  cols <- if (NCOL(x) == 1) list(x) else lapply(seq_len(NCOL(x)), function(j) x[, j])
  names(cols) <- if (NCOL(x) == 1) nm else paste0(nm, "_", colnames(x))
  for (cn in names(cols)) {
    y <- as.numeric(na.contiguous(cols[[cn]]))
    if (length(y) > keep(m)) y <- tail(y, keep(m))
    h <- horizon(m)
    # Enough history for a seasonal model (two cycles plus the hold-out),
    # at least 20 points, and not a constant or a dummy variable.
    if (length(y) < max(20, 2 * m + h) || length(unique(y)) < 5) next
    f <- file.path(out, paste0("aer_", gsub("[^A-Za-z0-9]", "_", cn), ".csv"))
    con <- file(f, "w")
    writeLines(sprintf("# period=%d horizon=%d source=R:AER::%s", m, h, cn), con)
    writeLines("value", con)
    writeLines(format(y, digits = 15, scientific = FALSE, trim = TRUE), con)
    close(con)
    count <- count + 1
  }
}
cat(sprintf("%d series written to %s\n", count, out))
