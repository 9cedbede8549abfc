"""The web service (``cpscore serve``): evaluation campaigns and a stateless evaluation API.

Top layer beside batch/authoring. Associations create campaigns and send each member firm a link;
firms upload their workbook and see their result at once; the campaign page shows the list as it
grows. Uploads are read by the batch's worker processes (:class:`cpscore.batch.run.ReadingPool`),
and every list download is written by the writers `cpscore batch` uses (:mod:`cpscore.views`).

May import: cpscore.batch, cpscore.pipeline, cpscore.views, cpscore.engine, cpscore.read,
cpscore.system, cpscore.common.
"""
