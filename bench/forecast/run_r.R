# R's forecast::ets() and auto.arima() on the benchmark series: same
# hold-out, same measures, time measured inside R (start-up excluded).
# Usage: Rscript run_r.R SERIES_DIR OUT.csv
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; out <- args[2]
files <- sort(list.files(dir, pattern = "\\.csv$", full.names = TRUE))
rows <- c("name,method,mase,smape,coverage95,seconds")
for (f in files) {
  header <- readLines(f, n = 1)
  period <- as.integer(sub(".*period=([0-9]+).*", "\\1", header))
  h <- as.integer(sub(".*horizon=([0-9]+).*", "\\1", header))
  v <- suppressWarnings(as.numeric(read.csv(f, comment.char = "#")$value))
  n <- length(v) - h
  train <- ts(v[1:n], frequency = period); test <- v[(n + 1):length(v)]
  lag <- if (period > 1 && n > period) period else 1
  scale <- mean(abs(diff(as.numeric(train), lag = lag)))
  name <- sub("\\.csv$", "", basename(f))
  for (method in c("ets", "arima")) {
    t0 <- proc.time()[["elapsed"]]
    fc <- tryCatch({
      fit <- if (method == "ets") ets(train) else auto.arima(train)
      forecast(fit, h = h, level = 95)
    }, error = function(e) NULL)
    secs <- proc.time()[["elapsed"]] - t0
    if (is.null(fc)) next
    p <- as.numeric(fc$mean); lo <- as.numeric(fc$lower); hi <- as.numeric(fc$upper)
    mase <- mean(abs(test - p)) / scale
    smape <- mean(ifelse(abs(test) + abs(p) > 0, 200 * abs(test - p) / (abs(test) + abs(p)), 0))
    cover <- mean(test >= lo & test <= hi)
    rows <- c(rows, sprintf("%s,%s,%.10g,%.10g,%.10g,%.6f", name, method, mase, smape, cover, secs))
    cat(sprintf("%-28s %-6s MASE=%.3f %.3fs\n", name, method, mase, secs))
  }
}
writeLines(rows, out)
