/**
 * What an S3 client needs beside an endpoint override (s3rver on loopback), shared by every S3
 * client we build: path-style addressing, and checksums sent and verified only where an operation
 * requires them — s3rver predates S3's default CRC checksums (and the aws-chunked uploads they
 * bring). Nothing for AWS's own endpoint. Free of SDK imports, so a Lambda loads it at no cost.
 */
export function s3EndpointSettings(endpoint: string | undefined): {
  forcePathStyle?: true;
  requestChecksumCalculation?: 'WHEN_REQUIRED';
  responseChecksumValidation?: 'WHEN_REQUIRED';
} {
  return endpoint === undefined
    ? {}
    : {
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      };
}
