// Evaluates IAM requests against identity policies with @cloud-copilot/iam-simulate (real IAM
// semantics: resources, conditions such as s3:prefix and dynamodb:LeadingKeys).
// stdin: [{policy, action, resource, context}]; stdout: [overallResult or "error: ..."].
const { runSimulation } = require('@cloud-copilot/iam-simulate')

async function main() {
  let input = ''
  for await (const chunk of process.stdin) input += chunk
  const answers = []
  for (const request of JSON.parse(input)) {
    const response = await runSimulation(
      {
        identityPolicies: [{ name: 'under-test', policy: request.policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action: request.action,
          principal: 'arn:aws:iam::123456789012:user/under-test',
          resource: { accountId: '123456789012', resource: request.resource },
          contextVariables: request.context || {}
        }
      },
      {}
    )
    answers.push(
      response.resultType === 'error'
        ? 'error: ' + JSON.stringify(response.errors)
        : response.overallResult
    )
  }
  process.stdout.write(JSON.stringify(answers))
}

main()
