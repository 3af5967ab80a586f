"""Learning a crowd from real answers: the annotator report, population fits, preset calibration."""
