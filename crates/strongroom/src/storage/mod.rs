pub(crate) mod file;
pub(crate) mod integrity;
