/** The simulation's default speed, in a module of its own so `vgac start --help` can name it without loading the simulator. */

/** Default acceleration: one wall second is three trace minutes (slurm-hpc recalibrates within about 40 s). */
export const DEFAULT_SIMULATION_SPEED = 180;
