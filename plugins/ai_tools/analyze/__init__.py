"""analyze: the deep evaluation of a resume against a job, graded A to F."""
