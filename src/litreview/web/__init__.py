"""The screening workbench served over HTTP (see :mod:`litreview.web.app`)."""
